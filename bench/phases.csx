#load "../lib/ch13.csx"
// The benchmark's whole-process probe: what a section script does besides training, each step timed cold (its
// first use in the process, as a script pays it): start-up, Runs.Start, libtorch's first op, hashing the data
// (sha256), reading MNIST, Deedle (Auto MPG), the first epoch (JIT of the loop), plots, a checkpoint, and the record
// with the swap. Prints one line `phases {json}` (seconds); `./bench/run --where` runs it and takes medians.

using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

var phases = new Dictionary<string, double>();
phases["process_to_script"] = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
var clock = Stopwatch.StartNew();
void Phase(string name, Action action)
{
    var start = clock.Elapsed.TotalSeconds;
    action();
    phases[name] = Math.Round(clock.Elapsed.TotalSeconds - start, 4);
}

// Runs.Start checks libstdc++ and then sets torch's threads (which loads libtorch): both first, apart.
Phase("libstdcxx_check", NativeRuntime.CheckLibstdcxx);
Phase("libtorch_load", () => torch.set_num_threads(1));
Run run = null!;
Phase("runs_start", () => run = Runs.Start("phases", Args, epochs: 1));
Phase("torch_first_op", () => torch.ones(1).Dispose());
var root = DataFiles.Root(run.RepoRoot);
Phase("sha256_mnist", () => { foreach (var file in DataFiles.MnistFiles) DataFiles.Sha256Of(DataFiles.PathOf(root, file)); });
Phase("sha256_auto_mpg", () => DataFiles.Sha256Of(DataFiles.PathOf(root, DataFiles.AutoMpgFile)));
// What a script run pays instead: the four stamps looked up in out/.data-sha256 (Runs.Start set DataFiles.HashCache;
// the first run of a checkout fills it, every later one reads it).
Phase("sha256_mnist_cached", () => { foreach (var file in DataFiles.MnistFiles) DataFiles.HashCache!.HashOf(DataFiles.PathOf(root, file)); });
TrainTest<TensorData> mnist = null!;
Phase("mnist_load_subset", () => mnist = Mnist.Load(root, trainCount: 1000, testCount: 200)); // sha256 of all four files included
Phase("mnist_load_full", () => Mnist.Load(root, scale: true)); // again: the second hashing is warm (page cache, JIT)
Phase("deedle_auto_mpg", () =>
{
    var df = AutoMpg.DropMissing(AutoMpg.Load(DataFiles.Ensure(root, DataFiles.AutoMpgFile)));
    Regression.PrepareAutoMpg(df, Data.TrainTestSplitIndices(df.RowCount, trainSize: 0.8, randomState: 1));
});
Phase("deedle_tables_text", () =>
{
    var raw = AutoMpg.Load(DataFiles.Ensure(root, DataFiles.AutoMpgFile));
    _ = Tables.Tail(raw, 5, Regression.IntegerColumns) + AutoMpg.Format(AutoMpg.MissingCounts(raw)) + AutoMpg.Describe(raw);
});
var xor = Data.Xor();
var train = Data.ToTensors(xor.Train);
var valid = Data.ToTensors(xor.Test);
torch.manual_seed(1);
var model = new MyModule();
History history = null!;
Phase("first_epoch", () => history = Training.Fit(model, train, valid, new TrainConfig(1), new Adam(0.015), new CrossEntropy(),
    Progress.Hooks(run, "MyModule", 1, new NotebookLog(run, new TrainConfig(1), EpochLines.Loss))));
Phase("second_epoch", () => Training.Fit(model, train, valid, new TrainConfig(1), new Adam(0.015), new CrossEntropy()));
Phase("plot_history_first", () => Plots.History(run.OutPath("history.png"), [("MyModule", history)], "first plot"));
Phase("plot_history_second", () => Plots.History(run.OutPath("history2.png"), [("MyModule", history)], "second plot"));
Phase("plot_decision_regions", () => Plots.DecisionRegions(run.OutPath("regions.png"),
    [("MyModule", points => Metrics.PredictClasses(model, points))], xor.Test));
Phase("checkpoint_save", () => Checkpoints.Save(model, run.OutPath("model.pth")));
// The record's parts, cold, before Finish does them again (warm) and writes and swaps.
RunRecord record = null!;
Phase("record_build", () => record = Runs.Record(run, new RunConfig("probe"), [Series.Of("MyModule", history)]));
Phase("record_json_first", () => RunRecords.ToJson(record));
var code = 0;
Phase("record_and_swap", () => code = Runs.Finish(run, config: new RunConfig("probe"), series: [Series.Of("MyModule", history)]));
phases["script_total"] = Math.Round(clock.Elapsed.TotalSeconds, 4);
Console.WriteLine("phases " + JsonSerializer.Serialize(phases));
return code;
