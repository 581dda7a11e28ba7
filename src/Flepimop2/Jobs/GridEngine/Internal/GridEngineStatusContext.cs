namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>What <see cref="GridEngineStatusResolver"/> needs beside the rows.</summary>
/// <param name="Now">The time of the query.</param>
/// <param name="GraceWindow">How long after submission a job neither qstat nor accounting knows still counts as pending.</param>
/// <param name="TimeLimitSeconds">The <c>h_rt</c> the options asked for, in seconds.</param>
/// <param name="ReqMemBytes">The <c>h_vmem</c> the options asked for, in bytes.</param>
/// <param name="ErrorReasons">Why each job in an error state is in it (from <c>qstat -j</c>), by job id.</param>
internal sealed record GridEngineStatusContext(
    DateTimeOffset Now,
    TimeSpan GraceWindow,
    long? TimeLimitSeconds = null,
    long? ReqMemBytes = null,
    IReadOnlyDictionary<string, string>? ErrorReasons = null);
