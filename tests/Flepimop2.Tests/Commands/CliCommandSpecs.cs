using Flepimop2.Commands;

namespace Flepimop2.Tests.Commands;

public sealed class CliCommandSpecs
{
    [Fact]
    public void The_process_command_renders_its_options_in_declaration_order()
    {
        var command = new ProcessCommand("/tmp/project/config.yaml") { DryRun = true, ProcessTarget = "sim 1", Verbosity = 2 };

        Assert.Equal(["/tmp/project/config.yaml", "--dry-run", "--target=sim 1", "-vv"], command.ToArgv());
        Assert.Equal("flepimop2 process /tmp/project/config.yaml --dry-run '--target=sim 1' -vv", command.ToString());
        Assert.Equal("process", command.CommandName);
        Assert.Equal("sim 1", command.Target);
    }

    [Fact]
    public void Unset_options_render_nothing_and_the_config_path_is_made_absolute()
    {
        var command = new ProcessCommand("configs/config.yaml");

        Assert.Equal([Path.GetFullPath("configs/config.yaml")], command.ToArgv());
        Assert.True(Path.IsPathRooted(command.Config));
        Assert.Null(command.Target);
    }

    [Theory]
    [InlineData(1, "-v")]
    [InlineData(3, "-vvv")]
    [InlineData(7, "-vvv")]
    public void Verbosity_is_one_token(int level, string token)
    {
        Assert.Equal(token, new ProcessCommand("/c.yaml") { Verbosity = level }.ToArgv()[^1]);
    }

    [Fact]
    public void The_simulate_command_renders_the_same_options_as_process_under_its_own_name()
    {
        var command = new SimulateCommand("/tmp/project/config.yaml") { DryRun = true, SimulateTarget = "@pick", Verbosity = 1 };

        Assert.Equal(["/tmp/project/config.yaml", "--dry-run", "--target=@pick", "-v"], command.ToArgv());
        Assert.Equal(["/opt/py/bin/flepimop2", "simulate", "/tmp/project/config.yaml", "--dry-run", "--target=@pick", "-v"], command.CommandLine(["/opt/py/bin/flepimop2"]));
        Assert.Equal("flepimop2 simulate /tmp/project/config.yaml --dry-run --target=@pick -v", command.ToString());
        Assert.Equal("simulate", command.CommandName);
        Assert.Equal("@pick", command.Target);
        Assert.Equal("/tmp/project/config.yaml", command.Config);
        Assert.True(command.RunsFlepimop2);
    }

    [Fact]
    public void A_simulate_command_makes_its_config_path_absolute_and_differs_from_a_process_command_with_the_same_options()
    {
        var simulate = new SimulateCommand("configs/config.yaml") { SimulateTarget = "a" };
        var process = new ProcessCommand("configs/config.yaml") { ProcessTarget = "a" };

        Assert.Equal([Path.GetFullPath("configs/config.yaml"), "--target=a"], simulate.ToArgv());
        Assert.Equal(simulate.ToArgv(), process.ToArgv());
        Assert.NotEqual<CliCommand>(simulate, process);
        Assert.Equal(simulate, new SimulateCommand("configs/config.yaml") { SimulateTarget = "a" });
        Assert.Equal("b", (simulate with { SimulateTarget = "b" }).Target);
        Assert.Equal("/elsewhere/c.yaml", (simulate with { ConfigPath = "/elsewhere/c.yaml" }).Config);
    }
}
