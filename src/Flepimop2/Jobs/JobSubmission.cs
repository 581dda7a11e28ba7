namespace Flepimop2.Jobs;

/// <summary>
/// What <see cref="JobRunner.SubmitAsync(JobRequest, CancellationToken)"/> returns: a <see cref="JobHandle"/> when the job was
/// submitted, or a <see cref="JobDryRun"/> describing the submission a dry run skipped.
/// Tell them apart with pattern matching.
/// </summary>
public abstract record JobSubmission;
