using System.Text.Json.Nodes;
using Flepimop2.Jobs;

namespace Flepimop2.Store;

/// <summary>One handle file: a submitted job and the runner configuration that can query it later.</summary>
/// <param name="Key">The store key, <c>{backend}-{job_id}</c> sanitized.</param>
/// <param name="Handle">The handle returned at submission.</param>
/// <param name="JobConfig">The runner's full configuration at submission.</param>
public sealed record StoredJob(string Key, JobHandle Handle, JsonObject JobConfig);
