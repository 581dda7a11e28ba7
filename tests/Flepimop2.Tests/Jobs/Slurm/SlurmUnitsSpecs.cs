using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Slurm's printed sizes and durations as numbers, and the memory advice's notation.</summary>
public sealed class SlurmUnitsSpecs
{
    [Theory]
    [InlineData("322180K", 322180L * 1024)]
    [InlineData("3188K", 3188L * 1024)]
    [InlineData("50M", 50L * 1024 * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("1.50G", 1610612736L)]
    [InlineData("2T", 2L << 40)]
    [InlineData("1P", 1L << 50)]
    [InlineData("0", 0L)]
    [InlineData("512", 512L)]
    [InlineData(" 7k ", 7168L)]
    public void Sizes_with_a_binary_suffix_are_read_in_bytes(string printed, long bytes)
    {
        Assert.True(SlurmUnits.TryBytes(printed, out var read));
        Assert.Equal(bytes, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("K")]
    [InlineData("12Q")]
    [InlineData("-5M")]
    [InlineData("1,5G")]
    [InlineData("99999999999P")]
    public void What_is_not_a_size_is_not_read(string printed)
    {
        Assert.False(SlurmUnits.TryBytes(printed, out _));
    }

    [Theory]
    [InlineData("50M", null, 50L * 1024 * 1024)]
    [InlineData("120M", 2, 120L * 1024 * 1024)]
    [InlineData("4Gn", 8, 4L * 1024 * 1024 * 1024)]
    [InlineData("4Gc", 2, 8L * 1024 * 1024 * 1024)]
    [InlineData("60Mc", 3, 180L * 1024 * 1024)]
    public void A_memory_request_is_the_jobs_total_and_an_old_per_cpu_form_counts_every_cpu(string printed, int? cpus, long bytes)
    {
        Assert.True(SlurmUnits.TryRequestedMemory(printed, cpus, out var read));
        Assert.Equal(bytes, read);
    }

    [Theory]
    [InlineData("0n", 1)]
    [InlineData("0", 1)]
    [InlineData("4Gc", null)]
    [InlineData("", 1)]
    public void A_request_of_nothing_or_per_cpu_without_a_cpu_count_is_no_request(string printed, int? cpus)
    {
        Assert.False(SlurmUnits.TryRequestedMemory(printed, cpus, out _));
    }

    [Theory]
    [InlineData("00:00.001", 0.001)]
    [InlineData("00:03.800", 3.8)]
    [InlineData("01:02.500", 62.5)]
    [InlineData("00:00:00", 0)]
    [InlineData("00:01:18", 78)]
    [InlineData("02:03:04", 7384)]
    [InlineData("1-02:03:04", 93784)]
    [InlineData("365-00:00:00", 31536000)]
    [InlineData("2-12", 216000)]
    [InlineData("2-12:30", 217800)]
    public void Durations_as_sacct_prints_them_are_read_in_seconds(string printed, double seconds)
    {
        Assert.True(SlurmUnits.TrySeconds(printed, out var read));
        Assert.Equal(seconds, read, 6);
    }

    [Theory]
    [InlineData("UNLIMITED")]
    [InlineData("Partition_Limit")]
    [InlineData("INVALID")]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("1:2:3:4")]
    [InlineData("x-01:00:00")]
    [InlineData("01::00")]
    public void Words_and_other_forms_are_no_duration(string printed)
    {
        Assert.False(SlurmUnits.TrySeconds(printed, out _));
    }
}
