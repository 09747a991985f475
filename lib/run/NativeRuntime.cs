#nullable enable
// Checks, before TorchSharp loads, that the machine can load its native glue; reads /proc and one library file.

/// <summary>
/// TorchSharp 0.107's libLibTorchSharp.so needs a libstdc++ that provides <see cref="NeededVersion"/> (GCC 13 or later).
/// Debian 12 ships GCC 12's; TorchSharp then fails with a 60-line trace that points at the wrong package. This check
/// finds the libstdc++ the process uses and says what to do in a few lines instead.
/// </summary>
public static class NativeRuntime
{
    public const string NeededVersion = "GLIBCXX_3.4.32";

    /// <summary>Names the libstdc++ file to check instead of the process's own (tests use it to play an old system).</summary>
    public const string OverrideVariable = "CH13_LIBSTDCXX";

    /// <summary>On Linux: throws a Ch13Exception (exit 1) with the fix when libstdc++ is too old. Elsewhere, or when the
    /// library cannot be found, it does nothing and TorchSharp reports what it finds.</summary>
    public static void CheckLibstdcxx()
    {
        if (!OperatingSystem.IsLinux()) return;
        Check(Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } given ? given : LoadedLibstdcxx());
    }

    /// <summary>Throws the fix when <paramref name="library"/> exists and lacks <see cref="NeededVersion"/>.</summary>
    public static void Check(string? library)
    {
        if (library is null || !File.Exists(library)) return;
        if (!Provides(library, NeededVersion)) throw new Ch13Exception(TooOld(library));
    }

    public static string TooOld(string library) =>
        $"TorchSharp needs a newer C++ runtime: {library} does not provide {NeededVersion} (GCC 13 or later; Debian 12 ships GCC 12's).\n" +
        "Fix on Debian 12: sudo tools/install-libstdcxx.sh (installs libstdc++6 from Debian 13; removes nothing).\n" +
        "Ubuntu 24.04+, Debian 13+, macOS and Windows need nothing.";

    /// <summary>The libstdc++ mapped into this process (the .NET runtime itself links it, so it is there before TorchSharp).</summary>
    public static string? LoadedLibstdcxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line[slash..];
                if (Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal)) return path;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>True when the library's version definitions include <paramref name="version"/> (its name, NUL-terminated).</summary>
    public static bool Provides(string library, string version)
    {
        var needle = System.Text.Encoding.ASCII.GetBytes(version + "\0");
        return File.ReadAllBytes(library).AsSpan().IndexOf(needle) >= 0;
    }
}
