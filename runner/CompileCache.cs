using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Ch13.Runner;

/// <summary>
/// Compiled scripts on disk, one folder per key, so an unchanged script skips the compiler. The key hashes
/// every source file (paths and bytes), the dlls #r'd by path, the runner build and the runtime. Entries are
/// written under a temporary name and renamed into place; a stamp (lengths + SHA-256) catches a damaged one,
/// which is discarded and rebuilt.
/// </summary>
public static class CompileCache
{
    private const string DllFile = "submission.dll";
    private const string PdbFile = "submission.pdb";
    private const string ReferencesFile = "references.txt";
    private const string StampFile = "stamp";

    /// <summary><c>${CH13_CSX_CACHE:-${XDG_CACHE_HOME:-~/.cache}/ch13-csx}</c>.</summary>
    public static string Root()
    {
        var configured = Environment.GetEnvironmentVariable("CH13_CSX_CACHE");
        if (!string.IsNullOrEmpty(configured)) return Path.GetFullPath(configured);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "ch13-csx");
    }

    public static string EntryFor(ScriptSources sources) => Path.Combine(Root(), Key(sources));

    public static string Key(ScriptSources sources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));

        Add("ch13-csx cache 1");
        Add(RunnerIdentity());
        foreach (var file in sources.Files)
        {
            Add(file.Path);
            Add(file.Bytes.Length.ToString());
            hash.AppendData(file.Bytes);
        }
        foreach (var assembly in sources.LocalAssemblies)
        {
            var info = new FileInfo(assembly);
            Add($"{assembly}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    // A rebuilt runner (new module id), another package set (deps.json) or another runtime means recompiling.
    private static string RunnerIdentity()
    {
        var deps = Path.Combine(AppContext.BaseDirectory, "ch13-csx.deps.json");
        var depsHash = File.Exists(deps) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(deps))) : "-";
        return $"{typeof(CompileCache).Assembly.ManifestModule.ModuleVersionId}|{depsHash}|{Environment.Version}|{RuntimeInformation.RuntimeIdentifier}";
    }

    public static CompiledScript? TryLoad(string entry, Log log)
    {
        if (!Directory.Exists(entry)) return null;
        try
        {
            var dll = File.ReadAllBytes(Path.Combine(entry, DllFile));
            var pdb = File.ReadAllBytes(Path.Combine(entry, PdbFile));
            var references = File.ReadAllBytes(Path.Combine(entry, ReferencesFile));
            if (File.ReadAllText(Path.Combine(entry, StampFile)) == Stamp(dll, pdb, references))
            {
                MarkUsed(entry);
                return new CompiledScript(dll, pdb, Lines(references));
            }
            log.Info($"cache entry damaged (stamp mismatch), rebuilding: {entry}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Info($"cache entry unreadable ({ex.Message}), rebuilding: {entry}");
        }
        Discard(entry, log);
        return null;
    }

    public static void Store(string entry, CompiledScript script, Log log)
    {
        var temp = $"{entry}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(temp);
            var references = Encoding.UTF8.GetBytes(string.Join('\n', script.LocalAssemblies));
            File.WriteAllBytes(Path.Combine(temp, DllFile), script.Assembly);
            File.WriteAllBytes(Path.Combine(temp, PdbFile), script.Pdb);
            File.WriteAllBytes(Path.Combine(temp, ReferencesFile), references);
            File.WriteAllText(Path.Combine(temp, StampFile), Stamp(script.Assembly, script.Pdb, references));
            try
            {
                Directory.Move(temp, entry);
                log.Info($"cache stored: {entry}");
                Prune(Path.GetDirectoryName(entry)!, log);
            }
            catch (IOException) when (Directory.Exists(entry))
            {
                // Another run of the same script got there first; its entry is as good as ours.
                Directory.Delete(temp, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Info($"could not write cache entry ({ex.Message}); running uncached");
            try { if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Moves a bad entry out of the way first, so a concurrent run never reads it half-deleted.</summary>
    public static void Discard(string entry, Log log)
    {
        try
        {
            var trash = $"{entry}.bad-{Environment.ProcessId}-{Guid.NewGuid():N}";
            Directory.Move(entry, trash);
            Directory.Delete(trash, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Info($"could not remove damaged cache entry ({ex.Message})");
        }
    }

    // Prune goes by the folder's time; a read-only cache just skips this.
    private static void MarkUsed(string entry)
    {
        try { Directory.SetLastWriteTimeUtc(entry, DateTime.UtcNow); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Drops entries unused for 30 days (every runner rebuild or script edit leaves one behind) and leftovers of
    /// interrupted writes. Runs only after a compile, which is slow anyway.
    /// </summary>
    private static void Prune(string root, Log log)
    {
        var now = DateTime.UtcNow;
        foreach (var dir in new DirectoryInfo(root).EnumerateDirectories())
        {
            var leftover = dir.Name.Contains(".tmp-") || dir.Name.Contains(".bad-");
            if (now - dir.LastWriteTimeUtc < (leftover ? TimeSpan.FromDays(1) : TimeSpan.FromDays(30))) continue;
            try
            {
                dir.Delete(recursive: true);
                log.Info($"cache pruned: {dir.FullName}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
    }

    private static string Stamp(byte[] dll, byte[] pdb, byte[] references)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(dll);
        hash.AppendData(pdb);
        hash.AppendData(references);
        return $"ch13-csx 1 {dll.Length} {pdb.Length} {references.Length} {Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    private static IReadOnlyList<string> Lines(byte[] text) =>
        Encoding.UTF8.GetString(text).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
