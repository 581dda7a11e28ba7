using System.Globalization;
using System.Text;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// Reads <c>qstat -u '*' -xml</c>: running jobs under <c>queue_info</c>, pending ones under <c>job_info</c>, each a
/// <c>job_list</c> with <c>JB_job_number</c>, <c>state</c>, <c>queue_name</c>, <c>slots</c> and, for an array job, <c>tasks</c>:
/// the running task's number (<c>1</c>) or the pending tasks as ranges (<c>3-5:1</c>, <c>1-3:1,7</c>). Each task gets a row of its own.
/// </summary>
internal static class QstatXmlParser
{
    /// <summary>The fields of a <c>job_list</c> that are read.</summary>
    private static readonly string[] Fields = ["JB_job_number", "state", "queue_name", "slots", "tasks"];

    /// <summary>The rows, keyed by <see cref="Key"/>.</summary>
    /// <exception cref="FormatException">The text is not qstat's XML.</exception>
    public static Dictionary<string, GridEngineLiveRow> Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var rows = new Dictionary<string, GridEngineLiveRow>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(xml))
        {
            return rows;
        }

        foreach (var job in Jobs(xml))
        {
            var id = Text(job, "JB_job_number");
            var state = Text(job, "state");
            if (id is null || state is null)
            {
                continue;
            }

            var queue = Text(job, "queue_name") is { Length: > 0 } q ? q : null;
            var slots = int.TryParse(Text(job, "slots"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : (int?)null;
            if (Text(job, "tasks") is not { Length: > 0 } tasks)
            {
                rows[Key(id, null)] = new GridEngineLiveRow(id, null, state, queue, slots);
                continue;
            }

            foreach (var task in Tasks(tasks))
            {
                rows[Key(id, task)] = new GridEngineLiveRow(id, task, state, queue, slots);
            }
        }

        return rows;
    }

    /// <summary>The key of a job (<c>42</c>) or of one of its tasks (<c>42.3</c>).</summary>
    public static string Key(string jobId, int? task) =>
        task is { } t ? string.Create(CultureInfo.InvariantCulture, $"{jobId}.{t}") : jobId;

    /// <summary>The task numbers of a task list: <c>7</c>, <c>3-5:1</c>, <c>1-10:3</c>, or several of them joined by commas.</summary>
    /// <exception cref="FormatException">A part is none of these.</exception>
    public static IEnumerable<int> Tasks(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var range = colon < 0 ? part : part[..colon];
            var step = colon < 0 ? 1 : Number(part[(colon + 1)..], list);
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var first = Number(dash < 0 ? range : range[..dash], list);
            var last = dash < 0 ? first : Number(range[(dash + 1)..], list);
            if (step < 1 || last < first)
            {
                throw new FormatException($"qstat printed a task range that is not one: '{list}'");
            }

            for (var task = first; task <= last; task += step)
            {
                yield return task;
            }
        }
    }

    private static int Number(string text, string list) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"qstat printed a task range that is not one: '{list}'");

    /// <summary>
    /// Each <c>job_list</c> element as the text of its child elements named in <see cref="Fields"/>, by local name (the first
    /// of a name; a child's text is all the text within it), in the order the elements start. qstat never puts a
    /// <c>job_list</c> inside another.
    /// </summary>
    private static List<Dictionary<string, string>> Jobs(string xml)
    {
        var reader = new QstatXmlReader(xml);
        var jobs = new List<Dictionary<string, string>>();
        Dictionary<string, string>? job = null;
        var jobDepth = 0;
        var field = new StringBuilder();
        string? fieldName = null;
        while (reader.Read())
        {
            switch (reader.Node)
            {
                case QstatXmlNode.Start when job is null && reader.LocalName == "job_list":
                    job = new Dictionary<string, string>(StringComparer.Ordinal);
                    jobs.Add(job);
                    jobDepth = reader.Depth;
                    break;
                case QstatXmlNode.Start when job is not null && reader.Depth == jobDepth + 1:
                    fieldName = Array.IndexOf(Fields, reader.LocalName) >= 0 ? reader.LocalName : null;
                    field.Clear();
                    break;
                case QstatXmlNode.Text when fieldName is not null:
                    field.Append(reader.Text);
                    break;
                case QstatXmlNode.End when job is not null && reader.Depth == jobDepth:
                    fieldName = null;
                    job = null;
                    break;
                case QstatXmlNode.End when fieldName is not null && reader.Depth == jobDepth + 1:
                    job!.TryAdd(fieldName, field.ToString());
                    fieldName = null;
                    break;
            }
        }

        return jobs;
    }

    private static string? Text(Dictionary<string, string> job, string name) =>
        job.TryGetValue(name, out var text) ? text.Trim() : null;
}
