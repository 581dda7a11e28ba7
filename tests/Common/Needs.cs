namespace Flepimop2.Tests.Common;

/// <summary>
/// The trait <c>Needs</c> names what a test needs beyond a build of this repository: a daemon (the Slurm cluster, the Grid
/// Engine cell), root, or minutes of its own. <c>scripts/test.sh --unit</c> runs every test that has none, by a filter on it; the guard
/// (<see cref="NeedsGuardSpecs"/>) fails when a class that uses a daemon's fixture lacks it.
/// </summary>
public static class Needs
{
    public const string Trait = "Needs";

    /// <summary>The single-node Slurm cluster of scripts/slurm/start-cluster.sh.</summary>
    public const string Slurm = "slurm";

    /// <summary>The single-host Grid Engine cell of scripts/gridengine/start-cell.sh.</summary>
    public const string GridEngine = "gridengine";

    /// <summary>Root: a mount, or what only a root install puts on the machine (zsh and fish, scripts/install-test-shells.sh).</summary>
    public const string Root = "root";

    /// <summary>Minutes of their own on a 2-core machine (stress tests of hundreds of processes), too long for the unit run.</summary>
    public const string Minutes = "minutes";
}

/// <summary>On a fixture that stands for a daemon: every test class that uses it needs <see cref="What"/> and must say so.</summary>
/// <param name="what">One of the <see cref="Needs"/> values.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class FixtureNeedsAttribute(string what) : Attribute
{
    public string What { get; } = what;
}
