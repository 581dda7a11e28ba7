using System.Diagnostics;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 completion bash|zsh|fish</c>: each script is loaded into its real shell (scripts/install-test-shells.sh
/// installs zsh and fish) and asked to complete a command line, with this build of flepimop2 first on PATH.
/// </summary>
public sealed class CompletionSpecs
{
    [Fact]
    public async Task Bash_completes_commands_and_job_keys_from_the_store()
    {
        using var project = await ProjectWithJobs();

        var commands = await Shell(project, "bash", "source <(flepimop2 completion bash); COMP_LINE='flepimop2 job re'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(flepimop2 job re); COMP_CWORD=2; _flepimop2_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");
        var keys = await Shell(project, "bash", "source <(flepimop2 completion bash); COMP_LINE='/some/path/flepimop2 job status shell-'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(/some/path/flepimop2 job status shell-); COMP_CWORD=3; _flepimop2_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");
        var after = await Shell(project, "bash", "source <(flepimop2 completion bash); COMP_LINE='flepimop2 job run --after '; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(flepimop2 job run --after ''); COMP_CWORD=4; _flepimop2_complete; printf '%s\\n' \"${COMPREPLY[@]}\"");

        Assert.Equal(["report", "retry"], commands);
        Assert.Equal(project.Keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(project.Keys.Order(StringComparer.Ordinal), after);
    }

    // zsh and fish come from scripts/install-test-shells.sh, which installs them as root.
    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task Zsh_completes_commands_and_job_keys_from_the_store()
    {
        using var project = await ProjectWithJobs();
        const string Load = "autoload -Uz compinit && compinit -u; source <(flepimop2 completion zsh); compadd() { shift $(( ${@[(i)--]} )); print -l -- \"$@\"; };";

        var commands = await Shell(project, "zsh", Load + " words=(flepimop2 job can); CURRENT=3; _flepimop2");
        var keys = await Shell(project, "zsh", Load + " words=(flepimop2 job wait shell-); CURRENT=4; _flepimop2");

        Assert.Equal(["cancel"], commands);
        Assert.Equal(project.Keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task Fish_completes_commands_and_job_keys_from_the_store()
    {
        using var project = await ProjectWithJobs();

        var commands = await Shell(project, "fish", "flepimop2 completion fish | source; complete -C 'flepimop2 job li'");
        var keys = await Shell(project, "fish", "flepimop2 completion fish | source; complete -C 'flepimop2 job logs shell-'");

        Assert.Equal(["list"], commands);
        // fish orders completions itself (numbers in names compare as numbers), so only the set is ours to check.
        Assert.Equal(project.Keys.Order(StringComparer.Ordinal), keys.Select(k => k.Split('\t')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        using var project = new TempProject();

        var result = await project.Run("completion", "powershell");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'powershell'", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    /// <summary>A project with two finished jobs, and a directory holding <c>flepimop2</c> (this build) to put first on PATH.</summary>
    private static async Task<Project> ProjectWithJobs()
    {
        var project = new Project();
        File.WriteAllText(project.Combine("config.yaml"), "jobs:\n  now: {module: shell, detach: false}\n");
        Directory.CreateDirectory(project.Bin);
        File.CreateSymbolicLink(Path.Combine(project.Bin, "flepimop2"), CliRunner.Executable);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var submit = await project.Run("job", "run", "--", "true");
            Assert.True(submit.ExitCode == 0, submit.ToString());
            project.Keys.Add(submit.StdoutLines[^1].Split(' ')[0]);
        }

        return project;
    }

    /// <summary>Runs a script in a shell, in the project, and returns its output lines (at most 60 s).</summary>
    private static async Task<string[]> Shell(Project project, string shell, string script)
    {
        var start = new ProcessStartInfo(shell) { WorkingDirectory = project.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = project.Bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = project.Path;
        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {await error}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private sealed class Project : IDisposable
    {
        private readonly TempProject _inner = new();

        public string Path => _inner.Path;

        public string Bin => _inner.Combine(".bin");

        public List<string> Keys { get; } = [];

        public string Combine(params string[] parts) => _inner.Combine(parts);

        public Task<CliResult> Run(params string[] args) => _inner.Run(args);

        public void Dispose() => _inner.Dispose();
    }
}
