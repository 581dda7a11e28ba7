using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>The liveness rule of detached shell jobs, as a pure function: which process may be taken for the job.</summary>
public sealed class ShellJobProcessSpecs
{
    private static readonly (int Pid, int Group, int Session) Self = (1000, 1000, 900);

    private static JobHandle Handle(DateTimeOffset submittedAt, params (string Key, JsonNode? Value)[] metadata) =>
        new("x", "shell", submittedAt) { Metadata = metadata.ToDictionary(m => m.Key, m => m.Value) };

    private static ProcessProbe Probe(long startTicks, int group, int session, char state = 'S') => new(true, startTicks, state, group, 1, session);

    public static TheoryData<long, string> PidsThatAreNeverAJob => new()
    {
        { 0, "cannot be a job's process" },
        { 1, "cannot be a job's process" },
        { -5, "cannot be a job's process" },
        { 1L << 40, "cannot be a job's process" },
        { 1000, "own process" },
        { 900, "own process" },
    };

    [Theory]
    [MemberData(nameof(PidsThatAreNeverAJob))]
    public void A_pid_that_addresses_groups_or_this_program_itself_is_refused(long pid, string reason)
    {
        var handle = Handle(DateTimeOffset.UnixEpoch, ("mode", "detached"), ("pid", pid));

        var check = ShellJobProcess.Judge(handle, Probe(5, (int)Math.Clamp(pid, 0, int.MaxValue), 0), Self, "boot");

        Assert.Equal(ShellProcessVerdict.Refused, check.Verdict);
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_in_this_programs_own_group_is_refused()
    {
        var handle = Handle(DateTimeOffset.UnixEpoch, ("mode", "detached"), ("pid", 4242));

        var check = ShellJobProcess.Judge(handle, Probe(5, Self.Group, 4242), Self, "boot");

        Assert.Equal(ShellProcessVerdict.Refused, check.Verdict);
    }

    [Theory]
    [InlineData(500, "boot", 500, "Running")]
    [InlineData(500, "boot", 501, "NotTheJob")]
    [InlineData(500, "other-boot", 500, "NotTheJob")]
    public void A_recorded_start_time_and_boot_must_match(long recordedStart, string recordedBoot, long actualStart, string verdict)
    {
        var expected = Enum.Parse<ShellProcessVerdict>(verdict);
        var handle = Handle(DateTimeOffset.UnixEpoch, ("mode", "detached"), ("pid", 4242), ("start_time", recordedStart), ("boot_id", recordedBoot));

        var check = ShellJobProcess.Judge(handle, Probe(actualStart, 4242, 4242), Self, "boot");

        Assert.Equal(expected, check.Verdict);
    }

    [Fact]
    public void Without_a_recorded_start_a_process_older_than_the_submission_is_not_the_job()
    {
        var started = ProcessProbe.BootTime!.Value + TimeSpan.FromSeconds(100);
        var older = Handle(started + TimeSpan.FromMinutes(1), ("mode", "detached"));
        var justAfter = Handle(started - TimeSpan.FromSeconds(1), ("mode", "detached"));
        var probe = Probe(100 * ProcessProbe.ClockTicksPerSecond, 4242, 4242);

        Assert.Equal(ShellProcessVerdict.NotTheJob, ShellJobProcess.Judge(older with { JobId = "4242" }, probe, Self, "boot").Verdict);
        Assert.Equal(ShellProcessVerdict.Running, ShellJobProcess.Judge(justAfter with { JobId = "4242" }, probe, Self, "boot").Verdict);
        Assert.Equal(ShellProcessVerdict.NotTheJob, ShellJobProcess.Judge(justAfter with { JobId = "4242" }, probe with { Session = 1 }, Self, "boot").Verdict);
        Assert.Equal(ShellProcessVerdict.Ended, ShellJobProcess.Judge(justAfter with { JobId = "4242" }, probe with { State = 'Z' }, Self, "boot").Verdict);
    }

    [Fact]
    public void The_recorded_pid_is_the_metadata_pid_or_for_the_originals_detached_jobs_the_job_id()
    {
        Assert.Equal(77, ShellJobProcess.RecordedPid(new JobHandle("1", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["pid"] = 77, ["mode"] = "detached" } }));
        Assert.Equal(4242, ShellJobProcess.RecordedPid(new JobHandle("4242", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached" } }));
        Assert.Null(ShellJobProcess.RecordedPid(new JobHandle("4242", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "blocking" } }));
        Assert.Null(ShellJobProcess.RecordedPid(new JobHandle("-42", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached" } }));
        Assert.Null(ShellJobProcess.RecordedPid(new JobHandle("k3x9", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached" } }));
    }

    [Fact]
    public void A_handle_without_a_pid_or_with_a_process_that_is_gone_is_told_apart()
    {
        var noPid = ShellJobProcess.Judge(Handle(DateTimeOffset.UnixEpoch, ("mode", "detached")) with { JobId = "abc" }, default, Self, "boot");
        var gone = ShellJobProcess.Judge(Handle(DateTimeOffset.UnixEpoch, ("mode", "detached"), ("pid", 4242)), default, Self, "boot");

        Assert.Equal((ShellProcessVerdict.NoPid, 0, "the handle records no process id"), (noPid.Verdict, noPid.Pid, noPid.Reason));
        Assert.Equal((ShellProcessVerdict.Ended, 4242, (string?)null), (gone.Verdict, gone.Pid, gone.Reason));
    }

    [Theory]
    [InlineData(500, "boot", 500, 'S', "Running", null)]
    [InlineData(500, "boot", 500, 'Z', "Ended", null)]
    [InlineData(500, "boot", 501, 'S', "NotTheJob", "pid 4242 now belongs to another process (it started at another time than the job)")]
    [InlineData(500, "other", 500, 'S', "NotTheJob", "pid 4242 belongs to another process: the job ran before the machine last booted")]
    public void The_reason_says_which_rule_the_process_failed(long recorded, string boot, long actual, char state, string verdict, string? reason)
    {
        var handle = Handle(DateTimeOffset.UnixEpoch, ("mode", "detached"), ("pid", 4242), ("start_time", recorded), ("boot_id", boot));

        var check = ShellJobProcess.Judge(handle, Probe(actual, 4242, 4242, state), Self, "boot");

        Assert.Equal(verdict, check.Verdict.ToString());
        Assert.Equal(reason, check.Reason);
        Assert.Equal(4242, check.Pid);
    }

    [Fact]
    public void Without_a_recorded_start_the_reasons_name_the_rule()
    {
        // A whole second, as the original records a submission: the job may have started up to a second before it.
        var boot = ProcessProbe.BootTime!.Value;
        var submitted = new DateTimeOffset(boot.Ticks - (boot.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero) + TimeSpan.FromSeconds(101);
        ProcessProbe DetachedAt(TimeSpan started) => Probe((long)Math.Round((submitted + started - boot).TotalSeconds * ProcessProbe.ClockTicksPerSecond), 4242, 4242);
        JobHandle Original(DateTimeOffset at) => Handle(at) with { JobId = "4242", Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached" } };

        var older = ShellJobProcess.Judge(Original(submitted), DetachedAt(TimeSpan.FromSeconds(-1.2)), Self, "boot");
        var withinTheSecond = ShellJobProcess.Judge(Original(submitted), DetachedAt(TimeSpan.FromSeconds(-0.8)), Self, "boot");
        var olderThanAPreciseTime = ShellJobProcess.Judge(Original(submitted + TimeSpan.FromSeconds(0.5)), DetachedAt(TimeSpan.FromSeconds(0.3)), Self, "boot");
        var notLeader = ShellJobProcess.Judge(Original(submitted), DetachedAt(TimeSpan.FromSeconds(0.2)) with { ProcessGroup = 7 }, Self, "boot");

        Assert.Equal("pid 4242 belongs to a process that started before the job was submitted", older.Reason);
        Assert.Equal(ShellProcessVerdict.Running, withinTheSecond.Verdict);
        Assert.Equal("pid 4242 belongs to a process that started before the job was submitted", olderThanAPreciseTime.Reason);
        Assert.Equal("pid 4242 belongs to a process that is not the leader of its own session, as a detached job is", notLeader.Reason);
    }

    [Fact]
    public void A_recorded_start_older_than_the_submission_is_not_trusted()
    {
        var boot = ProcessProbe.BootTime!.Value;
        var submitted = boot + TimeSpan.FromSeconds(500.25);
        var ticks = (long)((submitted - boot).TotalSeconds * ProcessProbe.ClockTicksPerSecond);

        var stale = ShellJobProcess.Judge(Handle(submitted, ("mode", "detached"), ("pid", 4242), ("start_time", ticks - 300)), Probe(ticks - 300, 4242, 4242), Self, "boot");
        var own = ShellJobProcess.Judge(Handle(submitted, ("mode", "detached"), ("pid", 4242), ("start_time", ticks + 2)), Probe(ticks + 2, 4242, 4242), Self, "boot");

        Assert.Equal(ShellProcessVerdict.NotTheJob, stale.Verdict);
        Assert.Equal("pid 4242 belongs to a process that started before the job was submitted", stale.Reason);
        Assert.Equal(ShellProcessVerdict.Running, own.Verdict);
    }
}
