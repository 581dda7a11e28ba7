using System.ComponentModel;
using System.Diagnostics;
using Flepimop2.Internal;

namespace Flepimop2.Subprocesses;

/// <summary>Starts processes from a <see cref="ProcessSpec"/>: the one place that turns an argv into a <see cref="ProcessStartInfo"/>.</summary>
internal static class ProcessLauncher
{
    public static ProcessStartInfo StartInfo(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var start = new ProcessStartInfo(spec.Argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = spec.RedirectInput,
            RedirectStandardOutput = spec.CaptureOutput,
            RedirectStandardError = spec.CaptureOutput,
        };
        if (spec.WorkingDirectory is { } directory)
        {
            start.WorkingDirectory = directory;
        }

        foreach (var arg in spec.Argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        if (spec.Environment is { } environment)
        {
            start.Environment.Clear();
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        return start;
    }

    /// <summary>Starts the process.</summary>
    /// <exception cref="JobBackendException">It could not be started; the message names the program and says why.</exception>
    public static Process Start(ProcessSpec spec)
    {
        var start = StartInfo(spec);
        try
        {
            return Process.Start(start) ?? throw new JobBackendException($"could not start '{spec.Argv[0]}'", ShellQuote.Join(spec.Argv));
        }
        catch (Win32Exception ex)
        {
            throw new JobBackendException($"could not start '{spec.Argv[0]}': {ex.Message}", ShellQuote.Join(spec.Argv), innerException: ex);
        }
    }
}
