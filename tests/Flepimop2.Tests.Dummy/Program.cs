using System.Text;

// A small program the tests run as a real job, in the style of CliWrap's dummy: it is started as
// `dummy <command-name> <argv...>` by the runners, so the first argument is the flepimop2 command name.
//   dummy process exit N            exit with code N
//   dummy process sleep SECONDS     sleep, then exit 0
//   dummy process spawn-sleep FILE SECONDS   start a child `sleep`, write its pid to FILE, then sleep
//   dummy process ignore-term SECONDS   ignore SIGTERM (as a stubborn step does), sleep, then exit 0
//   dummy process argv FILE ARGS... write the arguments, NUL-separated, to FILE, exit 0
//   dummy process echo TEXT...      print TEXT to stdout and "err" to stderr, exit 0
//   dummy process save-handles STORE PREFIX N   save N handles into the job store STORE through the library
//   dummy process save-batch-handles STORE BACKEND IDS   save a handle of BACKEND (flepimop2.job.BACKEND) for each line of the file IDS
//   dummy process allocate MB SECONDS   touch MB mebibytes (so that they are resident), hold them for SECONDS, then exit 0
//   dummy process burn SECONDS      keep one CPU busy for SECONDS, then exit 0
//   dummy process task DIR FAILING SECONDS   as task FLEPIMOP2_TASK_INDEX=i of a sweep: write DIR/i.start (the clock in ns),
//                                   print "task i of FLEPIMOP2_TASK_COUNT", sleep, write DIR/i.end, then exit 10 + i if i is in
//                                   the comma-separated FAILING list, else 0
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: dummy <command-name> <verb> ...");
    return 64;
}

var rest = args[2..];
switch (args[1])
{
    case "exit":
        return int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture);
    case "sleep":
        Thread.Sleep(TimeSpan.FromSeconds(double.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture)));
        return 0;
    case "ignore-term":
        using (System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => c.Cancel = true))
        {
            Console.WriteLine("ignoring SIGTERM");
            Thread.Sleep(TimeSpan.FromSeconds(double.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture)));
        }

        return 0;
    case "spawn-sleep":
        using (var child = System.Diagnostics.Process.Start("sleep", rest[1]))
        {
            File.WriteAllText(rest[0], child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            child.WaitForExit();
        }

        return 0;
    case "argv":
        File.WriteAllText(rest[0], string.Join('\0', rest[1..]), new UTF8Encoding(false));
        return 0;
    case "allocate":
        var held = new byte[long.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024];
        for (var page = 0L; page < held.LongLength; page += 4096)
        {
            held[page] = 1;
        }

        Console.WriteLine($"holding {rest[0]} MB");
        Thread.Sleep(TimeSpan.FromSeconds(double.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture)));
        GC.KeepAlive(held);
        return 0;
    case "burn":
        var until = DateTime.UtcNow.AddSeconds(double.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture));
        var spins = 0L;
        while (DateTime.UtcNow < until)
        {
            spins++;
        }

        Console.WriteLine($"spun {spins} times");
        return 0;
    case "echo":
        Console.WriteLine(string.Join(' ', rest));
        Console.Error.WriteLine("err");
        return 0;
    case "save-handles":
        var store = new Flepimop2.Store.JobStore(rest[0]);
        var count = int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var handle = new Flepimop2.Jobs.JobHandle($"{rest[1]}-{i}", "shell", DateTimeOffset.UtcNow);
            store.Save(handle, new System.Text.Json.Nodes.JsonObject { ["module"] = "flepimop2.job.shell" });
        }

        return 0;
    case "save-batch-handles":
        var batchStore = new Flepimop2.Store.JobStore(rest[0]);
        foreach (var id in File.ReadAllLines(rest[2]).Where(l => l.Length > 0))
        {
            batchStore.Save(new Flepimop2.Jobs.JobHandle(id.Trim(), rest[1], DateTimeOffset.UtcNow), new System.Text.Json.Nodes.JsonObject { ["module"] = $"flepimop2.job.{rest[1]}" });
        }

        return 0;
    case "task":
        var index = int.Parse(Environment.GetEnvironmentVariable("FLEPIMOP2_TASK_INDEX")!, System.Globalization.CultureInfo.InvariantCulture);
        var now = () => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(rest[0], $"{index}.start"), now());
        Console.WriteLine($"task {index} of {Environment.GetEnvironmentVariable("FLEPIMOP2_TASK_COUNT")}");
        // An index in the optional fourth argument waits for its cancel: a spec that cancels it never races its end.
        var waitsForCancel = rest.Length > 3 && rest[3].Split(',').Contains(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(waitsForCancel ? TimeSpan.FromHours(1) : TimeSpan.FromSeconds(double.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(rest[0], $"{index}.end"), now());
        var failing = rest[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(f => int.Parse(f, System.Globalization.CultureInfo.InvariantCulture));
        return failing.Contains(index) ? 10 + index : 0;
    default:
        Console.Error.WriteLine($"unknown verb {args[1]}");
        return 64;
}
