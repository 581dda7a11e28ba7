using System.Diagnostics;
using System.Globalization;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Benchmarks;

/// <summary>Saves many handles one after another and prints how the cost of a save changes as the store grows.</summary>
public static class SaveTimer
{
    public static void Run(string directory, int count)
    {
        var store = JobStore.ForDirectory(directory);
        var window = Math.Max(1, count / 10);
        var total = Stopwatch.StartNew();
        var slice = Stopwatch.StartNew();
        var firstSlice = 0.0;
        for (var i = 0; i < count; i++)
        {
            store.Save(new JobHandle($"save{i}", "shell", DateTimeOffset.UtcNow), new System.Text.Json.Nodes.JsonObject { ["module"] = "flepimop2.job.shell" });
            if ((i + 1) % window == 0)
            {
                var perSave = slice.Elapsed.TotalMicroseconds / window;
                firstSlice = firstSlice == 0 ? perSave : firstSlice;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"saves {i + 1 - window,6}-{i + 1,6}: {perSave,8:0.0} us/save ({perSave / firstSlice:0.00}x the first)"));
                slice.Restart();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} saves: {total.Elapsed.TotalSeconds:0.000} s"));
    }
}
