// Stands in for the lib's Ch13Exception: the runner knows it by its name and ExitCode property.
throw new Ch13Exception("--epochs must be a positive integer", 2);

public sealed class Ch13Exception(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
