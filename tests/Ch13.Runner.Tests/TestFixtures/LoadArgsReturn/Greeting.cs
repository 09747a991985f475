#nullable enable
public static class Greeting
{
    public static string Echo(IList<string> args) => $"args: [{string.Join(", ", args)}]";
}
