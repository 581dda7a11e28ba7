using Flepimop2.Commands;

namespace Flepimop2.Tests.Commands;

public sealed class ArgvCommandSpecs
{
    [Fact]
    public void A_program_runs_as_it_is_whatever_the_runners_prefix()
    {
        var command = new ArgvCommand(["/usr/bin/Rscript", "model file.R", "-v", "--help", "@args", "--", "$HOME"], runsFlepimop2: false);

        Assert.Equal(["/usr/bin/Rscript", "model file.R", "-v", "--help", "@args", "--", "$HOME"], command.CommandLine(["/opt/flepimop2", "--extra"]));
        Assert.Equal(command.CommandLine([]), command.CommandLine(["/opt/flepimop2"]));
        Assert.False(command.RunsFlepimop2);
        Assert.Equal("Rscript", command.CommandName);
        Assert.Equal(["model file.R", "-v", "--help", "@args", "--", "$HOME"], command.ToArgv());
        Assert.Equal("/usr/bin/Rscript 'model file.R' -v --help @args -- '$HOME'", command.ToString());
        Assert.Null(command.Config);
        Assert.Null(command.Target);
    }

    [Fact]
    public void A_flepimop2_command_line_follows_the_runners_prefix()
    {
        var command = new ArgvCommand(["simulate", "/p/config.yaml", "--target=-vvv"], runsFlepimop2: true) { ConfigFile = "/p/config.yaml", TargetName = "-vvv" };

        Assert.Equal(["/opt/flepimop2", "simulate", "/p/config.yaml", "--target=-vvv"], command.CommandLine(["/opt/flepimop2"]));
        Assert.True(command.RunsFlepimop2);
        Assert.Equal("simulate", command.CommandName);
        Assert.Equal("/p/config.yaml", command.Config);
        Assert.Equal("-vvv", command.Target);
        Assert.Equal("flepimop2 simulate /p/config.yaml --target=-vvv", command.ToString());
    }

    [Theory]
    [InlineData("Rscript", "Rscript")]
    [InlineData("./bin/model", "model")]
    [InlineData("bin/", "bin/")]
    public void A_programs_name_is_its_file_name_never_a_path(string program, string name)
    {
        Assert.Equal(name, new ArgvCommand([program], runsFlepimop2: false).CommandName);
    }

    [Fact]
    public void Commands_are_equal_by_their_arguments_and_kind()
    {
        var a = new ArgvCommand(["echo", "a"], runsFlepimop2: false);

        Assert.Equal(a, new ArgvCommand(["echo", "a"], runsFlepimop2: false));
        Assert.Equal(a.GetHashCode(), new ArgvCommand(["echo", "a"], runsFlepimop2: false).GetHashCode());
        Assert.NotEqual(a, new ArgvCommand(["echo", "a"], runsFlepimop2: true));
        Assert.NotEqual(a, new ArgvCommand(["echo", "b"], runsFlepimop2: false));
    }

    [Fact]
    public void An_empty_program_or_an_argument_with_a_nul_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ArgvCommand([], runsFlepimop2: false));
        Assert.Throws<ArgumentException>(() => new ArgvCommand([string.Empty, "x"], runsFlepimop2: false));
        Assert.Throws<ArgumentException>(() => new ArgvCommand(["echo", "a\0b"], runsFlepimop2: false));
    }

    [Fact]
    public void The_argument_list_is_copied_so_the_callers_list_cannot_change_it()
    {
        var argv = new List<string> { "echo", "a" };
        var command = new ArgvCommand(argv, runsFlepimop2: false);

        argv[1] = "b";

        Assert.Equal(["echo", "a"], command.Argv);
    }
}
