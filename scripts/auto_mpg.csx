#load "../lib/ch13.csx"
// Chapter 13 · Project one – predicting the fuel efficiency of a car (Auto MPG, regression).
// Data preprocessing and feature engineering with Deedle, then a 9 → 10 → 6 → 4 → 1 ReLU network trained with
// MSE and SGD, evaluated on the held-out 20 %. Writes out/auto_mpg/: metrics.json, loss.png,
// pred_vs_actual.png, residuals.png, model.pth (PyTorch's state_dict format, the notebook's Sequential names).
// --weights FILE starts from a saved state_dict; with --eval-only it only tests it (status "evaluated").

using TorchSharp;
using static System.FormattableString;
using static TorchSharp.torch;

var run = Runs.Start("auto_mpg", Args, new TrainConfig(Epochs: 200, BatchSize: 8, LogEvery: 20), new Sgd(0.001), quickEpochs: 5, options: ModelWeights.Options);
var lossFn = new MeanSquaredError();

// --- Data preprocessing, feature engineering
// read_csv(url, names=column_names, na_values="?", comment="\t", sep=" ", skipinitialspace=True)
var raw = AutoMpg.Load(DataFiles.Ensure(DataFiles.Root(run.RepoRoot), DataFiles.AutoMpgFile));
Print.Notebook(run, Tables.Tail(raw, 5, Regression.IntegerColumns));

// Six cars have no horsepower: drop them and renumber the rows (dropna + reset_index)
Print.UnlessQuiet(run, "\n" + AutoMpg.Format(AutoMpg.MissingCounts(raw)));
var df = AutoMpg.DropMissing(raw);
Print.Notebook(run, "\n" + Tables.Tail(df, 5, Regression.IntegerColumns));

// Partitioning the dataset into training and test datasets: train_test_split(df, train_size=0.8, random_state=1);
// the whole feature pipeline (scale, bucket, one-hot) fits on the training rows only.
var split = Data.TrainTestSplitIndices(df.RowCount, trainSize: 0.8, randomState: 1);
var data = Regression.PrepareAutoMpg(df, split);
Print.UnlessQuiet(run, $"\n{data.Frames.Train.RowCount} train / {data.Frames.Test.RowCount} test rows; train statistics:");
Print.Notebook(run, AutoMpg.Describe(data.Frames.Train).ToString());

// Standardizing the continuous features: StandardScaler (population std) fitted on train, applied to both
Print.Notebook(run, "\n" + Tables.Tail(data.Normalized.Train.Columns[AutoMpg.Columns.ToArray()], 5, Regression.IntegerColumns));

// Model Year into four buckets: torch.bucketize(year, [73, 76, 79], right=True) → (-∞,73) [73,76) [76,79) [79,∞)
var buckets = Features.Column(data.Normalized.Train, Regression.BucketColumn).GroupBy(b => b).OrderBy(g => g.Key);
Print.UnlessQuiet(run, $"\nModel Year buckets (train): {string.Join(", ", buckets.Select(g => $"{g.Key}: {g.Count()} cars"))}");

// Origin is unordered: one-hot encode it. Origin values are 1, 2, 3, so `% 3` makes them valid classes 1, 2, 0.
var originClasses = data.OriginValues.Length;
Print.UnlessQuiet(run, $"\n[{string.Join(" ", data.OriginValues)}]\n[{string.Join(" ", data.OriginValues.Select(v => v % originClasses))}]");

// Features: 5 scaled numerics + the year bucket + 3 origin indicators, float64 until here, then .float()
var trainData = Data.ToTensors(data.Arrays.Train, labelsAsClasses: false);
var testData = Data.ToTensors(data.Arrays.Test, labelsAsClasses: false);
Print.UnlessQuiet(run, $"x_train {Shape(trainData.X)}, x_test {Shape(testData.X)}: {string.Join(", ", data.FeatureNames)}");
var record = new RunConfig("auto-mpg", data.Frames.Train.RowCount, TestSize: data.Frames.Test.RowCount, Training: run.Training, Optimizer: run.Optimizer,
    LossFunction: lossFn).With(("features", data.FeatureNames));

// --- Training a DNN regression model (the notebook seeds before its DataLoader and again here; nothing draws in
//     between, since a DataLoader draws only when an epoch starts, so one seed is the same)
torch.manual_seed(run.Seed);
var model = Nets.Mlp(new MlpSpec(InputSize: (int)trainData.X.shape[1], HiddenUnits: [10, 6, 4], OutputSize: 1, Activation: Activation.ReLU));
Print.UnlessQuiet(run, "\n" + Nets.Describe(model) + "\n");
run.Weights.Into(run, model);
if (run.Weights.EvalOnly) return EvalOnly.Regressor(run, model, ModelName, testData, record, "Auto MPG", "MPG");
// The notebook's log line: 0-based epoch and the mean train loss over batches (EpochLines.ZeroBasedTrainLoss).
var history = Training.Fit(model, trainData, null, run.Training, run.Optimizer, lossFn,
    Progress.Hooks(run, ModelName, run.Training.Epochs, new NotebookLog(run, run.Training, EpochLines.ZeroBasedTrainLoss)));

// Evaluating on the test set, under no_grad
var result = Regression.Evaluate(model, testData);
Print.Always(Invariant($"Test MSE: {result.Mse:F4}"));
Print.Always(Invariant($"Test MAE: {result.Mae:F4}"));
if (run.Seed == 1 && run.Training.Epochs == 200 && run.Training.BatchSize == 8 && run.Optimizer.LearningRate == 0.001 // the notebook's settings
    && NotebookNumbers.Value(run, ModelName, "test_mse") is double notebookMse && NotebookNumbers.Value(run, ModelName, "test_mae") is double notebookMae)
    Print.UnlessQuiet(run, Invariant($"(notebook: Test MSE: {notebookMse:F4}, Test MAE: {notebookMae:F4})"));

Checkpoints.Save(model, run.OutPath("model.pth")); // torch.load-able: the notebook's model.load_state_dict(torch.load(...))
RegressionPlots.Loss(run.OutPath("loss.png"), history, "Auto MPG: training loss");
RegressionPlots.PredictedVsActual(run.OutPath("pred_vs_actual.png"), result.Targets, result.Predictions,
    Invariant($"Auto MPG test set: MSE {result.Mse:F2}, MAE {result.Mae:F2}"), "MPG");
RegressionPlots.Residuals(run.OutPath("residuals.png"), result.Targets, result.Predictions, "Auto MPG test set: residuals", "MPG");

return Runs.Finish(run,
    config: (record with { Model = Nets.Describe(model) }).With(("rows", raw.RowCount), ("rows_after_dropna", df.RowCount),
        ("split", new { train_size = 0.8, random_state = 1 }), ("target", Regression.Target),
        ("scaler", new { columns = data.Scaler.Columns, means = data.Scaler.Means, stds = data.Scaler.Stds }), ("year_boundaries", Regression.YearBoundaries)),
    series: [Series.Of(ModelName, history, RunValue.Of("test_mse", result.Mse, Better.Lower), RunValue.Of("test_mae", result.Mae, Better.Lower))],
    keyMetric: new KeyMetric("test_mse", result.Mse, Better.Lower, ModelName));

const string ModelName = "MLP 9-10-6-4-1"; // its progress label (and its name in reference/notebook.json)

string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
