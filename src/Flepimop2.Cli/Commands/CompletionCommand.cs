using System.CommandLine;
using System.CommandLine.Completions;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 completion bash|zsh|fish</c>: prints a completion script for the shell. Each script hands the words before
/// the cursor (without the program's own name, so a path to it works too) to System.CommandLine's <c>[suggest:N]</c>
/// directive, which answers with the commands, options and values that fit, job keys from the store among them.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # flepimop2 completion for bash: source it, or put it in ~/.local/share/bash-completion/completions/flepimop2
        _flepimop2_complete() {
            local line="${COMP_LINE:0:COMP_POINT}"
            local rest=""
            [[ $line == *[[:space:]]* ]] && rest="${line#*[[:space:]]}"
            local IFS=$'\n'
            local words
            words=$(command flepimop2 "[suggest:${#rest}]" "$rest" 2>/dev/null) || return 0
            COMPREPLY=($(compgen -W "$words" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -o nosort -F _flepimop2_complete flepimop2

        """;

    private const string Zsh = """
        #compdef flepimop2
        # flepimop2 completion for zsh: source it, or put it in a directory of $fpath as _flepimop2
        _flepimop2() {
            local rest="${(j: :)words[2,CURRENT]}"
            local -a items
            items=("${(@f)$(command flepimop2 "[suggest:${#rest}]" "$rest" 2>/dev/null)}")
            items=(${items:#})
            compadd -Q -- $items
        }
        if (( $+functions[compdef] )); then
            compdef _flepimop2 flepimop2
        else
            print -u2 "flepimop2 completion: run 'autoload -Uz compinit && compinit' before this script"
        fi

        """;

    private const string Fish = """
        # flepimop2 completion for fish: source it, or put it in ~/.config/fish/completions/flepimop2.fish
        function __flepimop2_complete
            set -l rest (commandline -cp | string replace -r '^\s*\S+\s*' '')
            command flepimop2 "[suggest:"(string length -- "$rest")"]" "$rest" 2>/dev/null
        end
        complete -c flepimop2 -f -a '(__flepimop2_complete)'

        """;

    public static Command Create(CliContext context)
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell: bash, zsh or fish." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "Print a completion script for bash, zsh or fish (job keys complete from the store).") { shell };
        command.SetAction(parsed =>
        {
            context.Output.Write(parsed.GetValue(shell) switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                _ => Fish,
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// What is wrong with a <c>[suggest:N]</c> directive at the start of the command line, or null. N is the cursor position the
    /// scripts pass; System.CommandLine reads it with no check (a negative, huge or non-numeric N, or a second directive, fails
    /// deep inside it), so it is checked here first: a whole number from 0 to <see cref="int.MaxValue"/>, or nothing.
    /// </summary>
    public static string? CheckSuggestDirective(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var seen = false;
        foreach (var arg in args.TakeWhile(a => a.Length > 2 && a[0] == '[' && a[^1] == ']'))
        {
            var body = arg[1..^1];
            var colon = body.IndexOf(':', StringComparison.Ordinal);
            if ((colon < 0 ? body : body[..colon]) != "suggest")
            {
                continue;
            }

            if (seen)
            {
                return "[suggest] is given twice; give it once, before the words to complete";
            }

            seen = true;
            var position = colon < 0 ? string.Empty : body[(colon + 1)..];
            if (position.Length > 0 && !int.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return $"[suggest:N] takes the cursor position N, a whole number from 0 to {int.MaxValue}; got '{position}'";
            }
        }

        return null;
    }

    /// <summary>
    /// Adds job keys from the store as completions of every argument and option that takes a job (<c>JOB</c>, <c>--after</c>,
    /// <c>--after-any</c>), newest first; a store that cannot be read completes nothing rather than fail the shell.
    /// </summary>
    public static void AddJobKeys(Command root, CliContext context)
    {
        var pending = new Stack<Command>([root]);
        while (pending.Count > 0)
        {
            var command = pending.Pop();
            foreach (var argument in command.Arguments.Where(a => a.Name == "JOB"))
            {
                argument.CompletionSources.Add(c => Keys(context, c));
            }

            foreach (var option in command.Options.Where(o => o.Name is "--after" or "--after-any"))
            {
                option.CompletionSources.Add(c => Keys(context, c));
            }

            foreach (var sub in command.Subcommands)
            {
                pending.Push(sub);
            }
        }
    }

    private static IEnumerable<CompletionItem> Keys(CliContext context, CompletionContext completion)
    {
        IReadOnlyList<Flepimop2.Store.JobSummaryEntry> jobs;
        try
        {
            jobs = context.Store.List().Jobs;
        }
        catch (Exception ex) when (ex is Flepimop2Exception or IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var word = completion.WordToComplete;
        return jobs.Reverse()
            .Where(j => j.Key.StartsWith(word, StringComparison.Ordinal) && j.Key.All(c => !char.IsControl(c) && !char.IsWhiteSpace(c)))
            .Select(j => new CompletionItem(j.Key, detail: j.Status?.ToWireName()));
    }
}
