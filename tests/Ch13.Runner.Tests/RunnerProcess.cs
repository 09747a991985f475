using System.Diagnostics;

namespace Ch13.Runner.Tests;

public sealed record RunResult(int ExitCode, string Output, string Errors);

/// <summary>
/// Starts <c>dotnet ch13-csx.dll …</c> as a child process with a private cache folder (CH13_CSX_CACHE),
/// so tests neither share cache entries nor touch the user's cache.
/// </summary>
public sealed class RunnerProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public string CacheDir { get; } = Directory.CreateTempSubdirectory("ch13-csx-test-cache-").FullName;

    /// <summary>The cache entries (one folder per compiled script).</summary>
    public IReadOnlyList<string> Entries => Directory.GetDirectories(CacheDir);

    public RunResult Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs with <paramref name="environment"/> added to this process's environment.</summary>
    public RunResult Run(IReadOnlyDictionary<string, string> environment, params string[] args) => RunIn(null, environment, args);

    /// <summary>Runs in <paramref name="workingDirectory"/> (null: this process's) with <paramref name="environment"/> added.</summary>
    public RunResult RunIn(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(Repo.RunnerDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["CH13_CSX_CACHE"] = CacheDir;
        // Scripts that read data sets: use the shared offline copy beside the repo unless CH13_DATA says otherwise.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;

        return Complete(start, Timeout, $"ch13-csx {string.Join(' ', args)}");
    }

    /// <summary>Runs <paramref name="start"/> (output redirected) to its end; kills it and throws after <paramref name="timeout"/>.</summary>
    public static RunResult Complete(ProcessStartInfo start, TimeSpan timeout, string what)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish within {timeout}");
        }
        return new RunResult(process.ExitCode, output.Result.ReplaceLineEndings("\n"), errors.Result.ReplaceLineEndings("\n"));
    }

    public void Dispose()
    {
        try { Directory.Delete(CacheDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A scratch folder for scripts a test writes or edits.</summary>
public sealed class ScratchDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ch13-csx-test-scripts-").FullName;

    /// <summary>The full path of a file in here, its folder created.</summary>
    public string PathFor(string relativePath)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public string Write(string relativePath, string text)
    {
        var full = PathFor(relativePath);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
