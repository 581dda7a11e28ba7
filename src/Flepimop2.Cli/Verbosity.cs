using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli;

/// <summary>
/// <c>-v</c>, <c>-vv</c>, <c>-vvv</c> (repeatable, anywhere before <c>--</c>). They are counted before parsing,
/// since a count option is not something the parser models; the option below exists for help text.
/// </summary>
internal static class Verbosity
{
    public static readonly Option<bool> HelpOption = new("--verbose", "-v")
    {
        Description = "More log output on stderr: -v info, -vv debug, -vvv debug with stack traces.",
        Recursive = true,
    };

    /// <summary>
    /// Counts and removes the verbosity flags. The value of an option that takes one is never a flag, whatever it looks like
    /// (a target named <c>-vvv</c>): it is joined to its option as one token, <c>--target=-vvv</c>.
    /// </summary>
    public static (int Level, string[] Remaining) Extract(string[] args, IReadOnlySet<string> valuedOptions)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(valuedOptions);
        var level = 0;
        var rest = new List<string>(args.Length);
        var literal = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!literal && arg == "--")
            {
                literal = true;
            }

            if (!literal && valuedOptions.Contains(arg) && i + 1 < args.Length)
            {
                rest.Add($"{arg}={args[++i]}");
            }
            else if (!literal && arg == "--verbose")
            {
                level++;
            }
            else if (!literal && arg.Length >= 2 && arg[0] == '-' && arg.AsSpan(1).IndexOfAnyExcept('v') < 0)
            {
                level += arg.Length - 1;
            }
            else
            {
                rest.Add(arg);
            }
        }

        return (Math.Min(level, 3), rest.ToArray());
    }

    public static LogLevel ToLogLevel(int level) => level switch
    {
        0 => LogLevel.Warning,
        1 => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
