#nullable enable
using System.Runtime.InteropServices;

// Which malloc serves this process. ./csx preloads gperftools' tcmalloc where it is installed: libtorch makes and frees
// a few dozen small tensors every training step, and tcmalloc serves them faster than glibc's malloc (the numbers do
// not change). The run record names the allocator, so two runs' timings are compared knowing it.

/// <summary>The allocator a process runs with, found by a symbol only that allocator exports (no file is read).</summary>
public static class Allocators
{
    /// <summary>The name for glibc's (or the platform's own) malloc.</summary>
    public const string SystemMalloc = "system";

    // A symbol each preloadable allocator exports and nothing else in the process does.
    static readonly (string Name, string Symbol)[] Known = [("tcmalloc", "tc_malloc"), ("jemalloc", "mallctl"), ("mimalloc", "mi_malloc")];

    /// <summary>"tcmalloc", "jemalloc" or "mimalloc" when one was preloaded (LD_PRELOAD), else <see cref="SystemMalloc"/>.</summary>
    public static string InUse()
    {
        var process = NativeLibrary.GetMainProgramHandle(); // dlopen(NULL): the program, its libraries and the preloaded ones
        foreach (var (name, symbol) in Known)
            if (NativeLibrary.TryGetExport(process, symbol, out _)) return name;
        return SystemMalloc;
    }
}
