using Flepimop2.Cli;

return ExecEntry.Matches(args) ? ExecEntry.Run(args)
    : SuperviseEntry.Matches(args) ? SuperviseEntry.Run(args)
    : await CliApplication.RunAsync(args).ConfigureAwait(false);
