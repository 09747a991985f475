#nullable enable
using TorchSharp;
using static System.FormattableString;
using static TorchSharp.torch;

// The --eval-only ending: a script that loaded --weights states what to evaluate in one call, and the verb prints the
// result, draws its plots and writes the record (status "evaluated", no history) as the training ending would.

/// <summary>Endings for <c>--weights FILE --eval-only</c>: evaluate the loaded model, report it, finish the run.</summary>
public static class EvalOnly
{
    /// <summary>
    /// A classifier on its validation split: prints <c>{label} from FILE: valid acc 0.9867</c>, draws
    /// decision_regions.png over <paramref name="regions"/> when given, and records valid_acc under <paramref name="name"/>
    /// with the data's name and the split's size.
    /// </summary>
    public static int Classifier(Run run, nn.Module<Tensor, Tensor> model, string name, TensorData valid,
        string data, string? label = null, ArrayData? regions = null)
    {
        var validAcc = Metrics.Accuracy(valid.Y.data<long>().ToArray(), Metrics.PredictClasses(model, valid.X));
        Print.Always($"{label ?? name} from {Path.GetFileName(run.Weights.Path)}: valid acc {validAcc:F4}");
        if (regions is not null)
            Plots.DecisionRegions(run.OutPath("decision_regions.png"),
                [($"{name}: valid acc {validAcc:F3}", points => Metrics.PredictClasses(model, points))], regions);
        return Runs.Finish(run, new RunConfig(data, ValidSize: valid.Count).Evaluated(run.Weights.Path, model),
            series: [Series.Evaluated(name, RunValue.Of("valid_acc", validAcc, Better.Higher))],
            keyMetric: new KeyMetric("valid_acc", validAcc, Better.Higher, name));
    }

    /// <summary>
    /// A regression model on the test split: prints the test MSE and MAE, draws pred_vs_actual.png and residuals.png
    /// (titled with <paramref name="dataName"/>, values in <paramref name="unit"/>) and records test_mse and test_mae.
    /// </summary>
    public static int Regressor(Run run, nn.Module<Tensor, Tensor> model, string name, TensorData test,
        RunConfig config, string dataName, string unit)
    {
        var result = Regression.Evaluate(model, test);
        Print.Always(Invariant($"Test MSE: {result.Mse:F4}"));
        Print.Always(Invariant($"Test MAE: {result.Mae:F4}"));
        RegressionPlots.PredictedVsActual(run.OutPath("pred_vs_actual.png"), result.Targets, result.Predictions,
            Invariant($"{dataName} test set: MSE {result.Mse:F2}, MAE {result.Mae:F2}"), unit);
        RegressionPlots.Residuals(run.OutPath("residuals.png"), result.Targets, result.Predictions, $"{dataName} test set: residuals", unit);
        return Runs.Finish(run, config.Evaluated(run.Weights.Path, model),
            series: [Series.Evaluated(name, RunValue.Of("test_mse", result.Mse, Better.Lower), RunValue.Of("test_mae", result.Mae, Better.Lower))],
            keyMetric: new KeyMetric("test_mse", result.Mse, Better.Lower, name));
    }

    /// <summary>
    /// An image classifier on the test split: writes test_logits.csv (for comparing with PyTorch digit for digit),
    /// prints the test accuracy, draws confusion_matrix.png and samples.png (the first 40 images), and records test_acc
    /// and the confusion matrix.
    /// </summary>
    public static int ImageClassifier(Run run, nn.Module<Tensor, Tensor> model, string name, TensorData test,
        RunConfig config, int classes, int height, int width)
    {
        var predicted = Metrics.PredictClasses(model, test.X);
        var actual = test.Y.data<long>().ToArray();
        var accuracy = Metrics.Accuracy(actual, predicted);
        var confusion = Metrics.ConfusionMatrix(actual, predicted, classes);
        ModelWeights.WriteLogits(run.OutPath("test_logits.csv"), model, test.X);
        Print.Always($"\nTest accuracy with the weights from {Path.GetFileName(run.Weights.Path)}: {accuracy:F4}");
        ClassifierPlots.ConfusionMatrix(run.OutPath("confusion_matrix.png"), confusion,
            $"Confusion matrix: {actual.Length} test images, accuracy {accuracy:F3}");
        ClassifierPlots.Digits(run.OutPath("samples.png"), test.X.narrow(0, 0, Math.Min(40, actual.Length)).data<float>().ToArray(), height, width,
            actual, predicted, "First test digits");
        return Runs.Finish(run, config.Evaluated(run.Weights.Path, model),
            series: [Series.Evaluated(name,
                RunValue.Of("test_acc", accuracy, Better.Higher),
                RunValue.OfText("test_acc_weights", $"loaded from {run.Weights.Path}"),
                RunValue.OfMatrix("confusion_matrix", confusion))],
            keyMetric: new KeyMetric("test_acc", accuracy, Better.Higher, name));
    }

    /// <summary>
    /// What a trainer's test loop logged for the loaded model (<paramref name="logged"/>: test_loss, test_acc; first, as the
    /// test builds the model), beside
    /// the book's running-accuracy test_acc over batches of <paramref name="batchSize"/>; prints both and records them.
    /// </summary>
    public static int Tested(Run run, IReadOnlyDictionary<string, double> logged, nn.Module<Tensor, Tensor> model,
        string name, TensorData test, int batchSize, RunConfig config)
    {
        var bookStyle = BookStyleTestAccuracy(model, test, batchSize);
        var testAcc = logged.TryGetValue("test_acc", out var acc) ? acc : (double?)null;
        Print.Always($"\nTest with the weights from {Path.GetFileName(run.Weights.Path)}: test_acc {Numbers.Fixed(testAcc)}");
        Print.Always(BookStyleLine(run, name, bookStyle));
        return Runs.Finish(run, config.Evaluated(run.Weights.Path, model),
            series: [Series.Evaluated(name,
                RunValue.Of("test_loss", logged.TryGetValue("test_loss", out var loss) ? loss : null, Better.Lower),
                RunValue.Of("test_acc", testAcc, Better.Higher),
                RunValue.Of("test_acc_book_style", bookStyle, Better.Higher),
                RunValue.OfText("test_acc_weights", $"loaded from {run.Weights.Path}"))],
            keyMetric: new KeyMetric("test_acc", testAcc, Better.Higher, name));
    }

    /// <summary>The book's test_acc: torchmetrics' running accuracy logged every step, then averaged over the steps.</summary>
    public static double BookStyleTestAccuracy(nn.Module<Tensor, Tensor> model, TensorData test, int batchSize) =>
        Metrics.RunningAccuracyMean(test.Y.data<long>().ToArray(), Metrics.PredictClasses(model, test.X), batchSize);

    /// <summary>The line that prints it beside the book's own (reference/notebook.json's test_acc_book_style).</summary>
    public static string BookStyleLine(Run run, string name, double bookStyle) =>
        $"test_acc as the book computes it (running accuracy, averaged over steps): {bookStyle:F4}" +
        (NotebookNumbers.Value(run, name, "test_acc_book_style") is double book ? $" (the book's 10-epoch run: {book:F4})" : "");
}
