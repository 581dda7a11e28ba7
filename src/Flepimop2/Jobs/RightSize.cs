namespace Flepimop2.Jobs;

/// <summary>
/// The memory and time limit <see cref="RightSizing.Suggest"/> advises for the next run of a job, from what its tasks used,
/// and how each was reached. A figure that could not be sized (accounting had none) is null and left as configured.
/// </summary>
/// <param name="Memory">The memory to ask for, or null.</param>
/// <param name="Time">The time limit to ask for, or null.</param>
/// <param name="Basis">How each limit was reached, one sentence each; when both are null, why nothing could be sized.</param>
public sealed record RightSize(MemoryRequest? Memory, WallTime? Time, IReadOnlyList<string> Basis)
{
    /// <summary>Whether nothing could be sized: the job has no usage figures.</summary>
    public bool IsEmpty => Memory is null && Time is null;

    /// <summary>The limits to submit with (<see cref="JobRunner.WithLimits"/>): the memory and time sized, the rest as configured.</summary>
    /// <returns>The limits.</returns>
    public JobLimits ToLimits() => new() { Memory = Memory, Time = Time };

    /// <summary>The options of <c>flepimop2 job retry</c> that ask for it: <c>--memory 256M --time 0-00:05:00</c>.</summary>
    /// <returns>The options, or an empty string when nothing was sized.</returns>
    public override string ToString() =>
        string.Join(' ', new[] { Memory is { } m ? $"--memory {m}" : null, Time is { } t ? $"--time {t}" : null }.OfType<string>());
}
