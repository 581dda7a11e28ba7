using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;

namespace Flepimop2.Benchmarks;

/// <summary>Writes a store of many jobs quickly: handle files one by one, the summary in one go.</summary>
public static class StoreSeeder
{
    public static void Seed(string directory, int count, string kind)
    {
        var store = JobStore.ForDirectory(directory);
        Directory.CreateDirectory(store.HandlesDirectory);
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var entries = new List<JobSummaryEntry>(count);
        var unfinished = kind == "shell-unfinished";
        for (var i = 0; i < count; i++)
        {
            var metadata = unfinished
                ? new Dictionary<string, JsonNode?>
                {
                    ["mode"] = "detached",
                    ["pid"] = 4_000_000 - i,
                    ["start_time"] = 1,
                    ["boot_id"] = "seeded",
                    ["log"] = Path.Combine(directory, "logs", $"shell-seed{i}", "output.log"),
                    ["exit_file"] = Path.Combine(directory, "logs", $"shell-seed{i}", "exit_code"),
                }
                : new Dictionary<string, JsonNode?> { ["mode"] = "blocking", ["returncode"] = i % 7 == 0 ? 1 : 0 };
            var handle = new JobHandle($"seed{i}", "shell", start.AddMilliseconds(i)) { Metadata = metadata };
            var job = new StoredJob(handle.Key, handle, new JsonObject { ["module"] = "flepimop2.job.shell", ["detach"] = unfinished });
            File.WriteAllBytes(Path.Combine(store.HandlesDirectory, job.Key + ".json"), StoreJson.HandleFile(job));
            JobStatus? status = unfinished ? JobStatus.Running : (i % 7 == 0 ? JobStatus.Failed : JobStatus.Successful);
            entries.Add(new JobSummaryEntry(job.Key, "shell", handle.JobId, handle.SubmittedAt, status));
        }

        File.WriteAllBytes(store.SummaryPath, StoreJson.Summary(entries));
    }
}
