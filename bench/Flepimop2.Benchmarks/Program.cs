using BenchmarkDotNet.Running;
using Flepimop2.Benchmarks;

// `seed DIR COUNT [finished|shell-unfinished]` fills a job store for the CLI benchmarks (bench/cli.sh);
// `saves DIR COUNT` times COUNT saves one after another in this process; anything else goes to BenchmarkDotNet.
if (args.Length >= 3 && args[0] == "seed")
{
    StoreSeeder.Seed(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args.Length > 3 ? args[3] : "finished");
    return 0;
}

if (args.Length >= 3 && args[0] == "saves")
{
    SaveTimer.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(StoreSeeder).Assembly).Run(args);
return 0;
