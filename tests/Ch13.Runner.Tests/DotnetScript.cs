using System.Diagnostics;

namespace Ch13.Runner.Tests;

/// <summary>
/// The real dotnet-script, the user's first command (<c>dotnet script scripts/xor.csx</c>): found through
/// <c>CH13_DOTNET_SCRIPT</c> (its dotnet-script.dll, or an executable) or <c>dotnet-script</c> on PATH. .ci/run points
/// CH13_DOTNET_SCRIPT at ../shared/tools/dotnet-script; elsewhere the tests that need it are skipped, saying why.
/// </summary>
public static class DotnetScript
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5); // a script's first run compiles and copies ~500 MB

    /// <summary>The command that starts dotnet-script (program and leading arguments), or null when there is none.</summary>
    public static IReadOnlyList<string>? Command { get; } = Find();

    /// <summary>Why the dotnet-script tests are skipped here (null when they run).</summary>
    public static string? SkipReason => Command is null
        ? "dotnet-script not found: set CH13_DOTNET_SCRIPT to its dotnet-script.dll (.ci/run uses ../shared/tools/dotnet-script) or put dotnet-script on PATH"
        : null;

    static IReadOnlyList<string>? Find()
    {
        var given = Environment.GetEnvironmentVariable("CH13_DOTNET_SCRIPT");
        if (!string.IsNullOrEmpty(given))
        {
            var full = Path.GetFullPath(given, Repo.Root);
            if (!File.Exists(full)) throw new InvalidOperationException($"CH13_DOTNET_SCRIPT={given}: no such file");
            return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", full] : [full];
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "dotnet-script"))
            .FirstOrDefault(File.Exists);
        return onPath is null ? null : [onPath];
    }

    /// <summary>
    /// dotnet-script's cache for this test run (DOTNET_SCRIPT_CACHE_LOCATION), removed when the tests end: it copies
    /// ~500 MB of libtorch per script path, so a cache under ~/.cache kept 4.4 GB per checkout (and filled CI's disk).
    /// </summary>
    public static string CacheDir { get; } = Directory.CreateTempSubdirectory("ch13-dotnet-script-cache-").FullName;

    /// <summary>Runs <c>dotnet-script script -- args</c> from the repository root, with the test data location.</summary>
    public static RunResult Run(string script, params string[] args) => Run(new Dictionary<string, string>(), script, args);

    /// <summary>As <see cref="Run(string, string[])"/>, with extra environment variables.</summary>
    public static RunResult Run(IDictionary<string, string> env, string script, params string[] args)
    {
        var command = Command ?? throw new InvalidOperationException(SkipReason);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        start.Environment["CH13_PROGRESS"] = "plain";
        start.Environment["DOTNET_SCRIPT_CACHE_LOCATION"] = CacheDir;
        foreach (var (name, value) in env) start.Environment[name] = value;

        return RunnerProcess.Complete(start, Timeout, $"dotnet-script {script}");
    }
}

/// <summary>
/// The dotnet-script test classes run one after the other: dotnet-script keeps one execution cache per script path, and
/// two processes filling it for the same script at once fail ("the file … is being used by another process").
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DotnetScriptCollection : ICollectionFixture<DotnetScriptCacheCleanup>
{
    public const string Name = "real dotnet-script";
}

/// <summary>Removes <see cref="DotnetScript.CacheDir"/> after the last dotnet-script test.</summary>
public sealed class DotnetScriptCacheCleanup : IDisposable
{
    public void Dispose()
    {
        try { Directory.Delete(DotnetScript.CacheDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A fact that runs only where the real dotnet-script is available.</summary>
public sealed class DotnetScriptFactAttribute : FactAttribute
{
    public DotnetScriptFactAttribute() => Skip = DotnetScript.SkipReason;
}

/// <summary>A theory that runs only where the real dotnet-script is available.</summary>
public sealed class DotnetScriptTheoryAttribute : TheoryAttribute
{
    public DotnetScriptTheoryAttribute() => Skip = DotnetScript.SkipReason;
}
