using Flepimop2.Cli;

return await CliApplication.RunAsync(args).ConfigureAwait(false);
