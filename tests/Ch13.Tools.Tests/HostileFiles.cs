using System.Diagnostics;
using System.Security.Cryptography;

namespace Ch13.Tools.Tests;

/// <summary>
/// What the safety tests need around a tool run: a snapshot (kind and SHA-256 of every entry, links as their target
/// text, FIFOs never opened) to prove nothing outside the tool's folder changed, real FIFOs and links, and a tool run
/// in-process with its console captured and a timeout, so a hang fails the test instead of stalling it.
/// </summary>
public static class HostileFiles
{
    /// <summary>Every entry under <paramref name="root"/> but those under <paramref name="except"/>, with what it holds.</summary>
    public static IReadOnlyDictionary<string, string> Snapshot(string root, params string[] except)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", options))
        {
            if (except.Any(e => path == e || path.StartsWith(e + Path.DirectorySeparatorChar, StringComparison.Ordinal))) continue;
            var kind = SafeFiles.KindOf(path);
            entries[Path.GetRelativePath(root, path)] = kind switch
            {
                EntryKind.File => "file " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))),
                EntryKind.Link => "link " + new FileInfo(path).LinkTarget,
                _ => kind.ToString(),
            };
        }
        return entries;
    }

    /// <summary>A real named pipe at <paramref name="path"/> (mkfifo).</summary>
    public static string Fifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        SafeFiles.KindOf(path).Should().Be(EntryKind.Fifo);
        return path;
    }

    /// <summary>Runs <paramref name="tool"/> with the console captured; fails the test when it takes longer than <paramref name="seconds"/>.</summary>
    public static (int Exit, string Out, string Error) Run(Func<int> tool, int seconds = 60)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (outBefore, errorBefore) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var run = Task.Run(tool);
            run.Wait(TimeSpan.FromSeconds(seconds)).Should().BeTrue($"the tool must not hang (waited {seconds} s)");
            return (run.Result, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(outBefore);
            Console.SetError(errorBefore);
        }
    }

    /// <summary>The error is exactly one line and no stack trace.</summary>
    public static void ShouldBeOneLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(1, $"a refusal is one line, got:\n{error}");
        error.Should().NotContain("   at ");
    }
}
