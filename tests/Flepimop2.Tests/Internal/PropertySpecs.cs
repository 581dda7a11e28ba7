using System.Diagnostics;
using System.Text;
using Flepimop2.Internal;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Internal;

public sealed class PropertySpecs
{
    private static readonly char[] Interesting = " \t'\"$`;*?[]{}()<>|&!#~\\\n-=,.:/%@_aZ09é–ü√".ToCharArray();

    private static Arbitrary<string> Tokens() =>
        Gen.Elements(Interesting).ArrayOf().Select(chars => new string(chars)).ToArbitrary();

    [SeededProperty(MaxTest = 500)]
    public Property A_sanitized_key_holds_only_safe_characters_and_sanitizing_again_changes_nothing() =>
        Prop.ForAll(Tokens(), raw =>
        {
            var key = JobKey.Sanitize(raw);
            return key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
                && JobKey.Sanitize(key) == key
                && key.Length <= raw.Length;
        });

    [SeededProperty(MaxTest = 500)]
    public Property A_key_matches_its_job_exactly_when_it_is_the_key_the_job_gives() =>
        Prop.ForAll(Tokens(), Tokens(), Tokens(), (backend, jobId, other) =>
            JobKey.Matches(JobKey.For(backend, jobId), backend, jobId)
            && JobKey.Matches(other, backend, jobId) == (other == JobKey.For(backend, jobId)));

    [SeededProperty(MaxTest = 200)]
    public Property A_safe_name_is_its_own_key() =>
        Prop.ForAll(Gen.Elements("abcXYZ019._-".ToCharArray()).NonEmptyListOf().Select(l => new string([.. l])).ToArbitrary(), safe => JobKey.Sanitize(safe) == safe);

    [Fact]
    public void A_shell_reads_every_quoted_token_back_exactly()
    {
        // One sh process checks many tokens: each is printed back NUL-terminated and compared.
        var tokens = Gen.Elements(Interesting).ArrayOf().Select(chars => new string(chars)).SampleSeeded(300).Append(string.Empty).Append("'").Append("''").ToList();
        var script = new StringBuilder();
        foreach (var token in tokens)
        {
            script.Append("printf '%s\\0' ").Append(ShellQuote.Quote(token)).Append('\n');
        }

        var start = new ProcessStartInfo("/bin/sh", ["-c", script.ToString()]) { RedirectStandardOutput = true, StandardOutputEncoding = new UTF8Encoding(false) };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(tokens, output.Split('\0')[..^1]);
    }

    [SeededProperty(MaxTest = 300)]
    public bool A_timestamp_written_and_read_back_is_the_same_instant(DateTimeOffset value)
    {
        var normalized = IsoTime.Normalize(value);
        return IsoTime.TryParse(IsoTime.Format(normalized), out var back) && back == normalized && IsoTime.Format(back).EndsWith('Z');
    }

    [Theory]
    [InlineData("2026-11-25T00:13:36.846228Z", "2026-11-25T00:13:36.846228Z")]
    [InlineData("2026-01-15T12:00:00Z", "2026-01-15T12:00:00Z")]
    [InlineData("2026-01-15T12:00:00.5Z", "2026-01-15T12:00:00.500000Z")]
    [InlineData("2026-01-15T14:00:00+02:00", "2026-01-15T12:00:00Z")]
    [InlineData("2026-01-15T12:00:00", "2026-01-15T12:00:00Z")]
    public void Timestamps_in_the_forms_python_writes_are_read_as_utc(string text, string normalized)
    {
        Assert.True(IsoTime.TryParse(text, out var value));
        Assert.Equal(normalized, IsoTime.Format(value));
    }

    [Theory]
    [InlineData("2026-02-30T12:00:00Z")]
    [InlineData("2026-13-01T12:00:00Z")]
    [InlineData("2026-01-01T24:00:00Z")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Impossible_timestamps_are_refused(string text)
    {
        Assert.False(IsoTime.TryParse(text, out _));
    }

    [SeededProperty(MaxTest = 300)]
    public bool The_seconds_form_matches_the_framework_formatter(DateTimeOffset value) =>
        IsoTime.FormatSeconds(value) == value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
