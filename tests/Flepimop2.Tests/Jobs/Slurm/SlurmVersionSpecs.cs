using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Slurm's version as squeue and the configuration print it, for <c>squeue --only-job-state</c> (24.05 on).</summary>
public sealed class SlurmVersionSpecs
{
    [Theory]
    [InlineData("slurm-wlm 22.05.8\n", 22, 5, false)]
    [InlineData("slurm 22.05.8\n", 22, 5, false)]
    [InlineData("slurm 23.11.10\n", 23, 11, false)]
    [InlineData("slurm 24.05.1\n", 24, 5, true)]
    [InlineData("slurm-wlm 24.05.1\n", 24, 5, true)]
    [InlineData("slurm 24.05.0-0rc1\n", 24, 5, true)]
    [InlineData("slurm 24.11.3\n", 24, 11, true)]
    [InlineData("slurm 25.05.0\n", 25, 5, true)]
    [InlineData("slurm 25.11.2", 25, 11, true)]
    public void Squeue_version_gives_year_and_month_and_the_option_from_24_05_on(string stdout, int major, int minor, bool option)
    {
        var version = SlurmVersion.FromVersionOutput(stdout);

        Assert.Equal(new SlurmVersion(major, minor), version);
        Assert.Equal(option, version!.Value.HasOnlyJobState);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("slurm")]
    [InlineData("slurm 24")]
    [InlineData("slurm 24.")]
    [InlineData("slurm .05.1")]
    [InlineData("slurm 24.x.1")]
    [InlineData("slurm v24.05.1")]
    [InlineData("slurm 24.05.1 extra")]
    [InlineData("slurm  24.05.1")]
    [InlineData("slurm 99999999999.05.1")]
    [InlineData("24.05.1")]
    [InlineData("pbs 24.05.1")]
    [InlineData("slurm 24.05.1\nslurm 25.05.0\n")]
    [InlineData("squeue: error: something\n")]
    [InlineData("\u00e9\u0000\u2028 garbage")]
    public void An_odd_or_unreadable_version_is_none(string? stdout)
    {
        Assert.Null(SlurmVersion.FromVersionOutput(stdout));
    }

    [Fact]
    public void The_configuration_gives_the_controllers_version_and_nothing_when_it_does_not_say()
    {
        Assert.Equal(new SlurmVersion(22, 5), ScontrolConfigParser.Version("Configuration data as of 2026-12-04T10:00:00\nMaxArraySize            = 50\nSLURM_VERSION           = 22.05.8\n"));
        Assert.Equal(new SlurmVersion(24, 5), ScontrolConfigParser.Version("SLURM_VERSION = 24.05.1\n"));
        Assert.Null(ScontrolConfigParser.Version("MaxArraySize            = 50\n"));
        Assert.Null(ScontrolConfigParser.Version("SLURM_VERSION           = (null)\n"));
        Assert.Equal(50, ScontrolConfigParser.MaxArraySize("SLURM_VERSION           = 22.05.8\nMaxArraySize            = 50\n"));
    }

    [Fact]
    public void A_version_is_written_as_slurm_writes_it()
    {
        Assert.Equal("22.05", new SlurmVersion(22, 5).ToString());
        Assert.Equal("25.11", new SlurmVersion(25, 11).ToString());
    }
}
