using BenchmarkDotNet.Attributes;
using Flepimop2.Commands;
using Flepimop2.Internal;

namespace Flepimop2.Benchmarks;

/// <summary>Rendering a job's argv for display and for batch scripts.</summary>
[MemoryDiagnoser]
public class TextBenchmarks
{
    private readonly ProcessCommand _command = new("/home/user/my project/config.yaml") { ProcessTarget = "sim $1", Verbosity = 2 };
    private readonly string[] _argv = ["/usr/local/bin/flepimop2", "process", "/home/user/my project/config.yaml", "--target", "it's \"quoted\" $HOME `x` ;*", "-vv"];

    [Benchmark]
    public string QuoteArgv() => ShellQuote.Join(_argv);

    [Benchmark]
    public string CommandLine() => _command.ToString();
}
