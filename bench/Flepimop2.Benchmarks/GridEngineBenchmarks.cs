using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Flepimop2.Jobs.GridEngine.Internal;

namespace Flepimop2.Benchmarks;

/// <summary>
/// The Grid Engine runner's local work for a status round of 1,000 live jobs: parsing one <c>qstat -u '*' -xml</c> answer,
/// and reading a cell's accounting file of 100,000 records for the 1,000 most recent jobs, from its end back to their
/// submission, and (as before) whole (the scheduler call itself is counted by the real-cell test GridEngineListCliSpecs).
/// </summary>
[MemoryDiagnoser]
public class GridEngineBenchmarks : IDisposable
{
    private const long FirstEnd = 1_795_600_000;
    private const int Live = 1000;
    private const int Records = 100_000;
    private readonly string _qstat = BuildQstat();
    private readonly string _accounting = Path.Combine(Directory.CreateTempSubdirectory("flepimop2-bench-").FullName, "accounting");
    private readonly HashSet<string> _asked = [.. Enumerable.Range(Records - Live, Live).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    [Benchmark]
    public int ParseQstatOfAThousandJobs() => QstatXmlParser.Parse(_qstat).Count;

    [GlobalSetup]
    public void WriteAccounting() => File.WriteAllLines(_accounting, BuildAccounting());

    [Benchmark]
    public int ReadAccountingBackToTheOldestSubmission() =>
        AccountingFile.ReadAsync(_accounting, _asked, FirstEnd + Records - Live, CancellationToken.None).GetAwaiter().GetResult().Count;

    [Benchmark]
    public int ReadAHundredThousandAccountingRecordsWhole() =>
        AccountingFile.ReadAsync(_accounting, _asked, long.MinValue, CancellationToken.None).GetAwaiter().GetResult().Count;

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(_accounting)!, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static string BuildQstat()
    {
        var xml = new StringBuilder("<?xml version='1.0'?>\n<job_info>\n  <queue_info>\n");
        for (var i = 1; i <= Live / 2; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"    <job_list state=\"running\"><JB_job_number>{i}</JB_job_number><JB_name>flepimop2</JB_name><JB_owner>me</JB_owner><state>r</state><queue_name>all.q@vm</queue_name><slots>1</slots></job_list>\n");
        }

        xml.Append("  </queue_info>\n  <job_info>\n");
        for (var i = (Live / 2) + 1; i <= Live; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"    <job_list state=\"pending\"><JB_job_number>{i}</JB_job_number><JB_name>flepimop2</JB_name><JB_owner>me</JB_owner><state>qw</state><queue_name></queue_name><slots>1</slots></job_list>\n");
        }

        return xml.Append("  </job_info>\n</job_info>\n").ToString();
    }

    private static string[] BuildAccounting() =>
        [.. Enumerable.Range(0, Records).Select(job => string.Join(':', new[]
        {
            "all.q", "vm", "me", "me", "flepimop2", job.ToString(CultureInfo.InvariantCulture), "sge", "0", "1795593752", "1795593752", (FirstEnd + job).ToString(CultureInfo.InvariantCulture),
            "0", (job % 7).ToString(CultureInfo.InvariantCulture), "3", "0.000000", "0.005871", "4552.000000",
            "0", "0", "0", "0", "297", "0", "0", "0.000000", "40", "0", "0", "0", "1", "4", "NONE", "defaultdepartment", "NONE", "1",
            "0", "0.005871", "0.000000", "0.000000", "NONE", "0.000000", "NONE", "0.000000", "0", "0",
        }))];
}
