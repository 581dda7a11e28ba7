using System.Text;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Store;

/// <summary>The summary's append in place: the same bytes as a full rewrite, without one.</summary>
public sealed class SummaryFileSpecs : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static JobSummaryEntry Entry(string id, JobStatus? status = null) => new($"shell-{id}", "shell", id, At, status);

    private static long Inode(string path) => new Stat(path).Inode;

    [Fact]
    public void An_entry_is_appended_in_place_and_the_file_is_what_a_full_rewrite_would_give()
    {
        var path = _temp.Combine("summary.json");
        File.WriteAllBytes(path, StoreJson.Summary([Entry("a"), Entry("b", JobStatus.Failed)]));
        var inode = Inode(path);
        var rewrites = 0;

        SummaryFile.Append(path, Entry("c"), () =>
        {
            rewrites++;
            return [];
        });

        Assert.Equal(0, rewrites);
        Assert.Equal(inode, Inode(path));
        Assert.Equal(StoreJson.Summary([Entry("a"), Entry("b", JobStatus.Failed), Entry("c")]), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("\n]\n")]
    [InlineData("\n]")]
    [InlineData("  \n ]   \n\n\t")]
    [InlineData("\n]                                        ")]
    public void White_space_after_the_last_entry_is_replaced_and_the_file_cut_to_length(string tail)
    {
        var path = _temp.Combine("summary.json");
        var whole = Encoding.UTF8.GetString(StoreJson.Summary([Entry("a")]));
        File.WriteAllText(path, whole[..whole.LastIndexOf('}')] + "}" + tail);

        SummaryFile.Append(path, Entry("b"), () => throw new InvalidOperationException("no rewrite expected"));

        Assert.Equal(StoreJson.Summary([Entry("a"), Entry("b")]), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("[\n]")]
    [InlineData("[1, 2]")]
    [InlineData("{\"key\": 1}")]
    [InlineData("[\n  {\"key\": \"shell-a\"")]
    [InlineData("]")]
    public void A_file_that_does_not_end_like_a_summary_is_rewritten_whole_from_what_can_be_read(string content)
    {
        var path = _temp.Combine("summary.json");
        File.WriteAllText(path, content);

        SummaryFile.Append(path, Entry("b"), () => [Entry("a"), Entry("b", JobStatus.Running)]);

        Assert.Equal(StoreJson.Summary([Entry("a"), Entry("b")]), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_missing_summary_is_written_whole()
    {
        var path = _temp.Combine("summary.json");

        SummaryFile.Append(path, Entry("a"), () => []);

        Assert.Equal(StoreJson.Summary([Entry("a")]), File.ReadAllBytes(path));
    }

    /// <summary>The inode of a file, from <c>stat -c %i</c>: a rename gives a new one, an append in place does not.</summary>
    private sealed class Stat(string path)
    {
        public long Inode
        {
            get
            {
                using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
                var text = stat.StandardOutput.ReadToEnd().Trim();
                stat.WaitForExit();
                return long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
