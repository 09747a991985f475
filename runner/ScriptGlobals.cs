namespace Ch13.Runner;

/// <summary>
/// The script's globals, as in dotnet-script: <c>Args</c> holds the arguments after the script path.
/// Public because the compiled script reads it through the submission array's slot 0.
/// </summary>
public sealed class ScriptGlobals(IList<string> args)
{
    public IList<string> Args { get; } = args;
}
