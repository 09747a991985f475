namespace Ch13.Runner.Tests;

/// <summary>A public type for a script to <c>#r</c> by path: tests copy this assembly under another file name.</summary>
public static class FixtureLibrary
{
    public static string Greet(string name) => $"hello {name} from a #r'd dll";
}
