using System.Runtime.InteropServices;

namespace Ch13.Runner.Tests;

/// <summary>gperftools' tcmalloc where ./csx looks for it (the same two places, in the same order), or null.</summary>
public static class Tcmalloc
{
    public static string? Installed { get; } = OperatingSystem.IsLinux()
        ? new[] { $"/usr/lib/{Multiarch()}-linux-gnu/libtcmalloc_minimal.so.4", "/usr/lib64/libtcmalloc_minimal.so.4" }.FirstOrDefault(File.Exists)
        : null;

    // What `uname -m` says on the machines .NET runs on.
    static string Multiarch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };
}

/// <summary>A fact that needs tcmalloc installed; skipped, saying how to install it, where it is not.</summary>
public sealed class WithTcmallocFactAttribute : FactAttribute
{
    public WithTcmallocFactAttribute()
    {
        if (Tcmalloc.Installed is null)
            Skip = "tcmalloc is not installed: 'sudo apt-get install -y libtcmalloc-minimal4' (./test installs it)";
    }
}
