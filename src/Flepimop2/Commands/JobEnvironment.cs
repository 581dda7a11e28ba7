namespace Flepimop2.Commands;

/// <summary>
/// What a job's command will see, as far as a runner can tell before submitting: the program search path and the working
/// directory. Used to check that a step's program exists before a job that would fail on it is submitted.
/// </summary>
/// <param name="SearchPath">The job's <c>PATH</c>, or null when it has none.</param>
/// <param name="WorkingDirectory">The job's working directory, absolute.</param>
public sealed record JobEnvironment(string? SearchPath, string WorkingDirectory);
