using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Ch13.Runner.Tests;

/// <summary>
/// Same seed ⇒ the same record (issue 10): every script runs twice with <c>--quick</c>, in separate processes, into separate
/// <c>--out</c> folders, and the two metrics.json are byte-identical once <c>timings</c> and <c>environment</c> are removed
/// and the <c>--out</c> argument (the one thing the two runs were told differently) is replaced by OUT.
/// Two processes run at a time (the first run of the next script beside the second run of this one), so each script
/// still compiles once into the shared cache.
/// </summary>
public sealed class DeterminismEndToEndTests(ITestOutputHelper log) : IDisposable
{
    readonly RunnerProcess runner = new();
    readonly ScratchDir scratch = new();

    static string[] Scripts() =>
        Directory.GetFiles(Path.Combine(Repo.Root, "scripts"), "*.csx").Order().Select(Path.GetFileNameWithoutExtension).ToArray()!;

    /// <summary>
    /// The record without the fields that may differ between identical runs, and the out folder (in the arguments, and
    /// wherever the record names a path under it, e.g. Lightning's log_dir) as OUT.
    /// </summary>
    public static string Comparable(string json, string outDir)
    {
        var record = JsonNode.Parse(json)!.AsObject();
        record.Remove("timings");
        record.Remove("environment");
        return Placeheld(record, outDir)!.ToJsonString();
    }

    static JsonNode? Placeheld(JsonNode? node, string outDir)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList()) obj[key] = Placeheld(obj[key]?.DeepClone(), outDir);
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) array[i] = Placeheld(array[i]?.DeepClone(), outDir);
                return array;
            case JsonValue value when value.TryGetValue<string>(out var text) &&
                                      (text == outDir || text.StartsWith(outDir + Path.DirectorySeparatorChar)):
                return JsonValue.Create("OUT" + text[outDir.Length..]);
            default:
                return node;
        }
    }

    [WithoutDotnetScriptFact]
    public async Task Every_script_run_twice_with_the_same_seed_writes_the_same_record()
    {
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(2);
        RunResult Run(string name, string outDir)
        {
            slots.Wait();
            try
            {
                // RunnerProcess.Run's 2 minutes are too tight for lightning and mnist on a loaded 2-core machine.
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in new[] { Repo.RunnerDll, Path.Combine(Repo.Root, "scripts", name + ".csx"), "--", "--quick", "--quiet", "--out", outDir })
                    start.ArgumentList.Add(arg);
                start.Environment["CH13_CSX_CACHE"] = runner.CacheDir;
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
                    start.Environment["CH13_DATA"] = Repo.SharedData;
                return RunnerProcess.Complete(start, TimeSpan.FromMinutes(10), $"{name} --quick --out {outDir}");
            }
            finally { slots.Release(); }
        }

        var pairs = Scripts().Select(name => Task.Run(() =>
        {
            var dirs = new[] { scratch.PathFor(name + "-a"), scratch.PathFor(name + "-b") };
            var texts = new List<string>();
            foreach (var dir in dirs)
            {
                var result = Run(name, dir);
                if (result.ExitCode != 0) return $"{name}: exit {result.ExitCode}\n{result.Output}\n{result.Errors}";
                texts.Add(Comparable(File.ReadAllText(Path.Combine(dir, "metrics.json")), dir));
            }
            return texts[0] == texts[1] ? null : $"{name}: the two records differ\n{texts[0]}\n{texts[1]}";
        })).ToArray();
        await Task.WhenAll(pairs);
        log.WriteLine($"{pairs.Length} scripts × 2 runs in {clock.Elapsed.TotalSeconds:F0} s");

        (await Task.WhenAll(pairs)).Where(problem => problem is not null).Should().BeEmpty();
    }

    [Fact]
    public void The_comparison_sees_a_difference_in_any_other_field()
    {
        const string json = """{"seed":1,"arguments":["--out","/a"],"config":{"log_dir":"/a/logs","name":"/ab"},"key_metric":{"value":9.00793170928955},"environment":{"os":"x"},"timings":{"wall_seconds":1}}""";
        Comparable(json, "/a").Should().Be("""{"seed":1,"arguments":["--out","OUT"],"config":{"log_dir":"OUT/logs","name":"/ab"},"key_metric":{"value":9.00793170928955}}""");
        Comparable(json.Replace("9.00793170928955", "9.007932662963867"), "/a").Should().NotBe(Comparable(json, "/a"));
        Comparable(json.Replace("\"wall_seconds\":1", "\"wall_seconds\":2").Replace("\"os\":\"x\"", "\"os\":\"y\""), "/a")
            .Should().Be(Comparable(json, "/a"));
    }

    public void Dispose()
    {
        scratch.Dispose();
        runner.Dispose();
    }
}

/// <summary>
/// Runs only where the real dotnet-script is not available: where it is (CI), DotnetScriptTests runs every script in two
/// processes — the bundled runner and dotnet-script — and compares the records (and PNG bytes) the same way, which
/// proves more than two runs under one runner, in half the time.
/// </summary>
public sealed class WithoutDotnetScriptFactAttribute : FactAttribute
{
    public WithoutDotnetScriptFactAttribute()
    {
        if (DotnetScript.Command is not null)
            Skip = "DotnetScriptTests compares every script's record across two processes (./csx and dotnet-script)";
    }
}
