using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// What a handle records about its submission, beyond the backend's own metadata: the command it ran (metadata
/// <c>command</c>: <c>argv</c>, <c>flepimop2</c>, <c>config</c>, <c>target</c>), so that it can be submitted again, and the
/// jobs it waited for (<c>after</c>: a list of <c>{key, condition}</c>). Reading never trusts the record: anything
/// malformed reads as absent.
/// </summary>
internal static class SubmissionRecord
{
    public const string CommandKey = "command";
    public const string AfterKey = "after";
    public const string RetryOfKey = "retry_of";
    public const string RetriedAsKey = "retried_as";

    /// <summary>The handle with the request's command (not for a sweep, whose tasks are in its task table) and predecessors added.</summary>
    public static JobHandle Add(JobHandle handle, JobRequest request)
    {
        var metadata = new Dictionary<string, JsonNode?>(handle.Metadata.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal);
        if (!request.IsSweep)
        {
            metadata[CommandKey] = Write(request.Command);
        }

        if (request.After.Count > 0)
        {
            metadata[AfterKey] = new JsonArray([.. request.After.Select(d => (JsonNode?)new JsonObject
            {
                ["key"] = d.Key,
                ["condition"] = d.ConditionName,
            })]);
        }

        if (request.RetryOf is { } retryOf)
        {
            metadata[RetryOfKey] = retryOf;
        }

        return handle with { Metadata = metadata };
    }

    public static JsonObject Write(CliCommand command)
    {
        var flepimop2 = command is not ArgvCommand { RunsFlepimop2: false };
        var argv = command is ArgvCommand exact ? exact.Argv : [command.CommandName, .. command.ToArgv()];
        return new JsonObject
        {
            ["argv"] = new JsonArray([.. argv.Select(a => (JsonNode?)a)]),
            ["flepimop2"] = flepimop2,
            ["config"] = command.Config,
            ["target"] = command.Target,
        };
    }

    /// <summary>The recorded command, or null when the handle has none (or a damaged one).</summary>
    public static ArgvCommand? Command(JobHandle handle)
    {
        if (handle.Metadata.GetValueOrDefault(CommandKey) is not JsonObject command
            || command["argv"] is not JsonArray argv || argv.Count == 0
            || argv.Any(a => a is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            return null;
        }

        var values = argv.Select(a => a!.GetValue<string>()).ToList();
        if (values[0].Length == 0 || values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
        {
            return null;
        }

        var flepimop2 = command["flepimop2"] is not JsonValue flag || !flag.TryGetValue<bool>(out var yes) || yes;
        return new ArgvCommand(values, flepimop2) { ConfigFile = JsonText.Of(command["config"]), TargetName = JsonText.Of(command["target"]) };
    }

    /// <summary>The recorded predecessors; entries without a key or with an unknown condition are left out.</summary>
    public static IReadOnlyList<JobDependency> After(JobHandle handle)
    {
        if (handle.Metadata.GetValueOrDefault(AfterKey) is not JsonArray after)
        {
            return [];
        }

        var result = new List<JobDependency>();
        foreach (var item in after)
        {
            if (item is JsonObject entry && JsonText.Of(entry["key"]) is { Length: > 0 } key
                && JsonText.Of(entry["condition"]) is "ok" or "any")
            {
                result.Add(new JobDependency(key, JsonText.Of(entry["condition"]) == "ok" ? DependencyCondition.Succeeded : DependencyCondition.Ended));
            }
        }

        return result;
    }
}
