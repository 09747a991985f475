#nullable enable
using System.Runtime.CompilerServices;

public static class Where
{
    public static string File() => Here();
    private static string Here([CallerFilePath] string path = "") => path;
}
