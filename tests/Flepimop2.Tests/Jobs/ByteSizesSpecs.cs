using Flepimop2.Jobs.Internal;

namespace Flepimop2.Tests.Jobs;

public sealed class ByteSizesSpecs
{
    [Theory]
    [InlineData(0L, "1M")]
    [InlineData(1L, "1M")]
    [InlineData(1024L * 1024, "2M")]
    [InlineData(322180L * 1024, "512M")]
    [InlineData(100L * 1024 * 1024, "128M")]
    [InlineData(512L * 1024 * 1024, "1G")]
    [InlineData(1536L * 1024 * 1024, "2G")]
    [InlineData(4L * 1024 * 1024 * 1024, "8G")]
    [InlineData(600L << 30, "1T")]
    [InlineData(3L << 40, "4T")]
    public void The_memory_advice_is_the_next_power_of_two_above_in_the_schedulers_notation(long bytes, string advice)
    {
        Assert.Equal(advice, ByteSizes.NextPowerOfTwoAbove(bytes));
    }

    [Theory]
    [InlineData(322180L * 1024, "314.6M")]
    [InlineData(100L * 1024 * 1024, "100M")]
    [InlineData(1536L * 1024 * 1024, "1.5G")]
    [InlineData(3188L * 1024, "3.1M")]
    [InlineData(900L, "900B")]
    public void Sizes_in_a_sentence_have_one_decimal_at_most(long bytes, string text)
    {
        Assert.Equal(text, ByteSizes.Human(bytes));
    }
}
