using System.Text.Json.Nodes;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Tests.Jobs;

public sealed class RetryAdviceSpecs
{
    [Fact]
    public void A_sweeps_advice_is_the_most_memory_and_the_longest_time_its_tasks_were_advised()
    {
        Dictionary<string, JsonNode?>[] details =
        [
            new() { ["retry"] = new JsonObject { ["memory"] = "512M" } },
            new() { ["retry"] = new JsonObject { ["memory"] = "2G" } },
            new() { ["retry"] = new JsonObject { ["time"] = "0-00:02:00" } },
            new() { ["retry"] = new JsonObject { ["time"] = "1-00:00:00" } },
            new() { ["retry"] = new JsonObject { ["memory"] = "not a size", ["time"] = "soon" } },
            new() { ["state"] = "COMPLETED" },
        ];

        Assert.Equal("""{"memory":"2G","time":"1-00:00:00"}""", RetryAdvice.Largest(details)!.ToJsonString());
        Assert.Null(RetryAdvice.Largest(details[^2..]));
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(-5L, null)]
    [InlineData(300L * 1024 * 1024, "512M")]
    [InlineData(657_000_000L, "1G")]
    public void Memory_advice_is_the_next_power_of_two_above_what_was_reached(long reached, string? advice)
    {
        Assert.Equal(advice, RetryAdvice.Memory(reached)?["memory"]?.GetValue<string>());
    }
}
