using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ch13.Bench;

/// <summary>One timed process: exit code, wall clock, peak RSS and its output (capped).</summary>
public sealed record TimedProcess(int ExitCode, double WallSeconds, double PeakRssMb, string Output);

/// <summary>
/// The PyTorch peer: Debian 13's PyTorch 2.6 in a chroot built by <c>../shared/tools/peer/make-peer.sh</c>, with the
/// reference scripts at <c>/bench/ref</c> and the data at <c>/bench/shared/data</c> inside it (their README).
/// </summary>
public sealed class Peer
{
    public const string DefaultRoot = "/tmp/trixie";
    const int OutputCap = 1 << 20; // a reference script prints a few KB; anything past 1 MB is not read

    public string Root { get; }
    public string TorchVersion { get; }

    Peer(string root, string torchVersion) { Root = root; TorchVersion = torchVersion; }

    /// <summary>
    /// The peer at <paramref name="root"/>, or null with the reason in <paramref name="absent"/>: the folder must be a
    /// real folder (not a link: this harness does not follow links it did not make), chroot needs root, and
    /// <c>import torch</c> must work inside it (which also warms the page cache before the first timed run).
    /// </summary>
    public static Peer? Find(string root, out string absent)
    {
        absent = "";
        var dir = new DirectoryInfo(root);
        if (!dir.Exists) { absent = $"no peer at {root} (build it with ../shared/tools/peer/make-peer.sh)"; return null; }
        if (dir.LinkTarget is not null) { absent = $"{root} is a symbolic link; the peer must be a real folder"; return null; }
        if (!Environment.IsPrivilegedProcess) { absent = $"the peer at {root} needs chroot, which needs root"; return null; }
        // Imports what the reference scripts import (and compiles their shared modules), so the first timed run is not a cold one.
        var probe = Run(root, ["python3", "-c", "import sys; sys.path.insert(0, '/bench/ref'); import torch, pandas, sklearn.model_selection, " +
                                                "sklearn.preprocessing, sklearn.datasets, common, mnist_subset; sys.stdout.write(torch.__version__)"]);
        if (probe.ExitCode != 0)
        {
            absent = $"the peer at {root} cannot import torch (exit {probe.ExitCode}): {LastLine(probe.Output)}";
            return null;
        }
        return new Peer(root, probe.Output.Trim());
    }

    /// <summary>
    /// Runs <c>chroot root python3 /bench/ref/script --threads 1 args</c> and reads the one JSON line the script prints
    /// last (null when there is none).
    /// </summary>
    public (TimedProcess Process, JsonObject? Result) RunScript(string script, IEnumerable<string> args)
    {
        var process = Run(Root, ["env", "CH13_DATA=/bench/shared/data", "CH13_PEER_RESULTS=/tmp/ch13-peer-results",
            "python3", $"/bench/ref/{script}", "--threads", "1", .. args]);
        return (process, LastJsonLine(process.Output));
    }

    /// <summary>The last line of <paramref name="output"/> that parses as a JSON object, or null.</summary>
    public static JsonObject? LastJsonLine(string output)
    {
        foreach (var line in output.Split('\n').Reverse().Select(l => l.Trim()))
        {
            if (!line.StartsWith('{')) continue;
            try { if (JsonNode.Parse(line) is JsonObject obj) return obj; }
            catch (System.Text.Json.JsonException) { }
        }
        return null;
    }

    static TimedProcess Run(string root, IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo("chroot") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(root);
        foreach (var arg in command) start.ArgumentList.Add(arg);
        // PyTorch runs with its own system's malloc, as shipped: the malloc bench/run preloads into this harness
        // (tools/malloc.sh) is a host path, absent inside the chroot.
        start.Environment.Remove("LD_PRELOAD");
        start.Environment.Remove("TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD");
        return TimeProcess(start, OutputCap);
    }

    /// <summary>
    /// Starts <paramref name="start"/> (output redirected), samples its peak RSS every 10 ms and keeps the first
    /// <paramref name="cap"/> characters of its output. chroot and env exec their command: one pid throughout.
    /// </summary>
    public static TimedProcess TimeProcess(ProcessStartInfo start, int cap)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var output = new System.Text.StringBuilder();
        var gate = new object();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (gate) if (output.Length < cap) output.AppendLine(line.Length > cap ? line[..cap] : line);
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peak = 0.0;
        while (!process.WaitForExit(10)) peak = Math.Max(peak, Stats.PeakRssMb(process.Id));
        process.WaitForExit();
        var wall = clock.Elapsed.TotalSeconds;
        lock (gate) return new TimedProcess(process.ExitCode, wall, peak, output.ToString());
    }

    static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "";
}
