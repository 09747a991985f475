using System.Text.Json;
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

/// <summary>Tiny run folders written by tests: real run records (RunRecords.ToJson), like the scripts', and small PNGs.</summary>
public static class FakeRuns
{
    public const string Linear = "Linear(2, 1)", Mlp = "MLP 2-10-6-2";

    /// <summary>
    /// A record like xor's: two series (<see cref="Linear"/>, <see cref="Mlp"/>) with <paramref name="epochs"/> epochs of
    /// history (the MLP's last valid_acc is <paramref name="validAcc"/>, the key metric), a value per series, a short and
    /// a long list among the run's values, config with a multi-line string, environment and timings.
    /// </summary>
    public static RunRecord Record(string script, double validAcc = 0.9, int epochs = 3, double lossShift = 0)
    {
        IReadOnlyList<EpochMetrics> History(double start, double lastAcc) => Enumerable.Range(1, epochs)
            .Select(e => new EpochMetrics(e, start / e + lossShift, 0.5 + 0.1 * e, start / e + 0.01 + lossShift, lastAcc - 0.1 * (epochs - e), 0.015))
            .ToList();
        return new RunRecord(
            SchemaVersion: RunRecords.SchemaVersion, Script: script, Description: $"{script}: what it demonstrates", Status: RunStatus.Completed,
            DivergedAtEpoch: null, Seed: 1, Epochs: epochs, Quick: true,
            KeyMetric: new KeyMetric("valid_acc", validAcc, Better.Higher, Mlp),
            Arguments: ["--quick"],
            Config: JsonSerializer.SerializeToElement(new { model = "MyModule(\n  (l1): Linear(in_features=2, out_features=10, bias=True)\n)", lr = 0.015 }),
            Series:
            [
                new Series(Linear, RunStatus.Completed, History(0.7, 0.5), [RunValue.Of("test_acc", 0.5, Better.Higher)]),
                new Series(Mlp, RunStatus.Completed, History(0.9, validAcc), [RunValue.Of("test_acc", 0.95, Better.Higher)]),
            ],
            Results: [RunValue.OfList("demo", [0.1, 0.2]), RunValue.OfList("weights", Enumerable.Range(0, 20).Select(i => i * 0.1))],
            Environment: new RunEnvironment("0.107.0", "2.5.1", 2, "Linux test", "X64", "9.0.0", "test"),
            Timings: new RunTimings("2026-01-01T00:00:00+00:00", 1.5, 2.5, new Dictionary<string, double> { [Linear] = 0.5, [Mlp] = 1.0 }));
    }

    /// <summary>Writes <c>dir/metrics.json</c> and the named PNGs (each a distinct solid picture with an optional red box).</summary>
    public static string WriteScript(string dir, RunRecord record, params string[] images)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(System.IO.Path.Combine(dir, "metrics.json"), RunRecords.ToJson(record));
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
            WriteScript(System.IO.Path.Combine(runDir, script), Record(script), "history.png", "decision_regions.png");
            File.WriteAllText(System.IO.Path.Combine(runDir, script + ".log"), $"{script} log line\n");
            results.Add(ScriptResults.Read(runDir, script, 0, 3.0));
        }
        var summary = new BatchSummary(System.IO.Path.GetFileName(runDir), "2026-01-01T00:00:00+00:00", 6.0, true, "csx", [], results);
        BatchSummaries.Write(runDir, summary, new Dictionary<string, ScriptReference>());
        return summary;
    }
}
