namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>One live job, or one task of an array job, as <c>qstat -xml</c> lists it.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Task">The Grid Engine task number (from 1), or null for a job that is not an array.</param>
/// <param name="State">The state code, for example <c>qw</c>, <c>r</c> or <c>Eqw</c>.</param>
/// <param name="Queue">The queue instance it runs in (<c>all.q@node</c>), when it runs.</param>
/// <param name="Slots">The slots it holds or asks for.</param>
internal sealed record GridEngineLiveRow(string JobId, int? Task, string State, string? Queue = null, int? Slots = null);
