namespace Flepimop2.Jobs;

/// <summary>The lifecycle state of a submitted job.</summary>
public enum JobStatus
{
    /// <summary>Accepted, not yet started.</summary>
    Pending,

    /// <summary>Executing now.</summary>
    Running,

    /// <summary>Finished and succeeded.</summary>
    Successful,

    /// <summary>Finished and failed (non-zero exit, cancelled, timed out, ...).</summary>
    Failed,

    /// <summary>Finished, but whether it succeeded cannot be known any more.</summary>
    FinishedUnknown,
}
