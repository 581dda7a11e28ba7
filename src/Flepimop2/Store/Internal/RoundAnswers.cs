using Flepimop2.Jobs;

namespace Flepimop2.Store.Internal;

/// <summary>What one refresh learnt, and from which rounds.</summary>
/// <param name="Results">The answers by store key; a job whose backend could not answer is absent.</param>
/// <param name="Newest">When the newest round of the answers began: a wait takes only newer answers next time.</param>
/// <param name="Ended">When the latest round of the answers ended: a wait's pause runs from there.</param>
/// <param name="AskedModules">The modules whose backends this refresh asked itself (the rest were answered by other callers' rounds).</param>
internal sealed record RoundAnswers(
    IReadOnlyDictionary<string, JobStatusResult> Results,
    DateTimeOffset? Newest,
    DateTimeOffset? Ended,
    IReadOnlySet<string> AskedModules);
