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
}
