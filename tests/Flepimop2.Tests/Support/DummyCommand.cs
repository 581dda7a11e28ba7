using Flepimop2.Commands;

namespace Flepimop2.Tests.Support;

/// <summary>A command the runners start as <c>dummy process ARGV...</c>.</summary>
public sealed record DummyCommand(params string[] Argv) : CliCommand
{
    public override string CommandName => "process";

    public override IReadOnlyList<string> ToArgv() => Argv;
}
