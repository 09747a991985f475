#nullable enable
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

// A process's first run record costs ~0.1 s more than the next: System.Text.Json builds its metadata for every record
// type by reflection and the JIT compiles the converters. Runs.Start pays that on the other core while the main thread
// loads libtorch and the data (the scripts train on one torch thread, so that core is idle then).

/// <summary>
/// Serialises a small record of every shape metrics.json holds on a background thread (<see cref="Start"/>, once per
/// process), with the options <see cref="RunRecords.ToJson"/> and <see cref="RunConfig.With"/> use, so their metadata
/// caches are built when <see cref="Runs.Finish"/> needs them. Nothing is written or printed; the options' caches are
/// thread-safe, so nothing waits for it. A failure here is ignored (the real record then pays the first cost).
/// </summary>
public static class RecordWarmUp
{
    static int started;

    /// <summary>Starts the warm-up unless it has started already.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
            Task.Factory.StartNew(Render, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    static void Render()
    {
        try
        {
            EpochMetrics Epoch(int e) => new(e, 1.0 / e, 0.5, 1.2 / e, 0.4, 1e-3);
            var config = new RunConfig("warm-up", 2, TestSize: 1, Training: new TrainConfig(Epochs: 2), Optimizer: new Sgd(0.1),
                LossFunction: new MeanSquaredError()).With(("warm_up", new { values = new[] { 1.0 } }));
            var series = new Series("warm-up", RunStatus.Completed, [Epoch(1), Epoch(2)],
                [RunValue.Of("value", 1.0, Better.Lower), RunValue.OfList("list", [1.0, 2.0]), RunValue.OfMatrix("matrix", new[,] { { 1, 2 } })]);
            var record = new RunRecord(RunRecords.SchemaVersion, "warm-up", "", RunStatus.Completed, null, 1, 2, false,
                new KeyMetric("value", 1.0, Better.Lower, "warm-up"), ["--quick"], JsonSerializer.SerializeToElement(config, RunRecords.Json),
                [series], [RunValue.OfText("text", "warm-up")], new RunEnvironment("0", "0", 1, "os", "arch", "dotnet", "host"),
                new RunTimings("2000-01-01T00:00:00.0000000+00:00", 1, 1, new Dictionary<string, double> { ["warm-up"] = 1 }));
            RunRecords.ToJson(record);
        }
        catch (Exception) { } // see the summary: only a warm-up
    }
}
