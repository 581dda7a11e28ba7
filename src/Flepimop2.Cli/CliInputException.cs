namespace Flepimop2.Cli;

/// <summary>
/// Input from outside the configuration file (an argument, an environment variable) that cannot reach a job exactly: exit
/// code 3, as for a configuration a job could not be given as written.
/// </summary>
/// <param name="message">What was refused, naming it, and what to do.</param>
internal sealed class CliInputException(string message) : Flepimop2Exception(message);
