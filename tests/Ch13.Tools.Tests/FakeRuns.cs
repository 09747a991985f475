using System.Text.Json.Nodes;
using SkiaSharp;

namespace Ch13.Tools.Tests;

/// <summary>A temporary folder for a test, deleted at the end.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ch13-test-").FullName;

    public string Sub(params string[] parts)
    {
        var full = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(full);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Tiny run folders written by tests: a metrics.json shaped like the scripts' and small PNGs.</summary>
public static class FakeRuns
{
    /// <summary>A metrics.json like xor's: two histories (results.linear.history, results.mlp.history), finals and a key metric.</summary>
    public static JsonObject Metrics(string script, double validAcc = 0.9, int epochs = 3, double lossShift = 0)
    {
        JsonArray History(double start) => new(Enumerable.Range(1, epochs).Select(e => (JsonNode)new JsonObject
        {
            ["epoch"] = e,
            ["train_loss"] = start / e + lossShift,
            ["train_acc"] = 0.5 + 0.1 * e,
            ["valid_loss"] = start / e + 0.01 + lossShift,
            ["valid_acc"] = 0.5 + 0.1 * e,
            ["lr"] = 0.015,
        }).ToArray());
        return new JsonObject
        {
            ["script"] = script,
            ["description"] = $"{script}: what it demonstrates",
            ["status"] = "completed",
            ["seed"] = 1,
            ["epochs"] = epochs,
            ["quick"] = true,
            ["key_metric"] = new JsonObject { ["name"] = "mlp_valid_acc", ["value"] = validAcc },
            ["arguments"] = new JsonArray("--quick"),
            ["config"] = new JsonObject { ["model"] = "MyModule(\n  (l1): Linear(in_features=2, out_features=10, bias=True)\n)", ["lr"] = 0.015 },
            ["results"] = new JsonObject
            {
                ["linear"] = new JsonObject { ["final"] = new JsonObject { ["epoch"] = epochs, ["valid_acc"] = 0.5 }, ["history"] = History(0.7) },
                ["mlp"] = new JsonObject { ["final"] = new JsonObject { ["epoch"] = epochs, ["valid_acc"] = validAcc }, ["history"] = History(0.9) },
                ["weights"] = new JsonArray(Enumerable.Range(0, 20).Select(i => (JsonNode)(i * 0.1)).ToArray()),
            },
            ["environment"] = new JsonObject { ["torchsharp"] = "0.107.0", ["torch_threads"] = 2, ["os"] = "Linux test" },
            ["timings"] = new JsonObject { ["started_at"] = "2026-01-01T00:00:00+00:00", ["train_seconds"] = 1.5, ["wall_seconds"] = 2.5 },
        };
    }

    /// <summary>Writes <c>dir/metrics.json</c> and the named PNGs (each a distinct solid picture with an optional red box).</summary>
    public static string WriteScript(string dir, JsonObject metrics, params string[] images)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(System.IO.Path.Combine(dir, "metrics.json"), metrics.ToJsonString(new() { WriteIndented = true }));
        foreach (var image in images) Png(System.IO.Path.Combine(dir, image));
        return dir;
    }

    /// <summary>A 200×120 PNG: a light background, a blue bar, and a red box when <paramref name="marked"/>.</summary>
    public static void Png(string path, bool marked = false)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var surface = SKSurface.Create(new SKImageInfo(200, 120));
        surface.Canvas.Clear(new SKColor(245, 245, 240));
        using var blue = new SKPaint { Color = new SKColor(31, 119, 180) };
        surface.Canvas.DrawRect(20, 30, 120, 40, blue);
        if (marked)
        {
            using var red = new SKPaint { Color = new SKColor(214, 39, 40) };
            surface.Canvas.DrawRect(150, 80, 30, 30, red);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A run folder with the given scripts (each a fake xor-like script folder with two PNGs) and a summary.</summary>
    public static BatchSummary WriteRun(string runDir, params string[] scripts)
    {
        var results = new List<ScriptResult>();
        foreach (var script in scripts)
        {
            WriteScript(System.IO.Path.Combine(runDir, script), Metrics(script), "history.png", "decision_regions.png");
            File.WriteAllText(System.IO.Path.Combine(runDir, script + ".log"), $"{script} log line\n");
            results.Add(BatchRuns.ReadResult(runDir, script, 0, 3.0));
        }
        var summary = new BatchSummary(System.IO.Path.GetFileName(runDir), "2026-01-01T00:00:00+00:00", 6.0, true, "csx", [], results);
        BatchRuns.WriteSummary(runDir, summary, new Dictionary<string, ScriptReference>());
        return summary;
    }
}
