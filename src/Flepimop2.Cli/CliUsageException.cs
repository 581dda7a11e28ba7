namespace Flepimop2.Cli;

/// <summary>A command line that parsed but asks for something that cannot be (a task a job does not have): exit code 2.</summary>
/// <param name="message">What was wrong, naming the option and the value.</param>
internal sealed class CliUsageException(string message) : Flepimop2Exception(message);
