namespace Flepimop2.Cli.Output;

/// <summary>
/// What <c>job watch</c> prints on a pipe, one line per job whose status (or sweep counts) changed:
/// <c>{"round":3,"key":"shell-41","target":"fit","status":"running","elapsed_seconds":12,"tasks":{...}}</c>.
/// </summary>
/// <param name="Round">The round of status queries that saw the change, from 1; the last line's is the number of rounds.</param>
/// <param name="Key">The store key.</param>
/// <param name="Target">What the job runs.</param>
/// <param name="Status">The new status.</param>
/// <param name="ElapsedSeconds">Whole seconds since submission, until the job was seen finished.</param>
/// <param name="Tasks">For a sweep, how many tasks are in each status; left out for an ordinary job.</param>
internal sealed record WatchJsonLine(int Round, string Key, string Target, string Status, long ElapsedSeconds, WatchJsonTasks? Tasks);
