using System.Diagnostics;
using System.Globalization;

namespace Ch13.Runner.Tests;

/// <summary>scripts/lightning.csx end to end: what it checks before any data loads, and --weights / --eval-only.</summary>
public sealed class LightningScriptTests(SharedRunner shared, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<SharedRunner>, IDisposable
{
    const string ModelName = "MLP 784-32-16-10";
    readonly ScratchDir scratch = new();
    public void Dispose() => scratch.Dispose();

    // lightning.csx in the shared runner, with room for the first compile and a loaded 2-core machine.
    RunResult Lightning(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[Repo.RunnerDll, Path.Combine(Repo.Root, "scripts", "lightning.csx"), "--", .. args])
            start.ArgumentList.Add(a);
        start.Environment["CH13_CSX_CACHE"] = shared.Runner.CacheDir;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return RunnerProcess.Complete(start, TimeSpan.FromMinutes(10), "lightning.csx " + string.Join(' ', args));
    }

    static RunRecord Record(string outDir) => RunRecordFiles.Read(Path.Combine(outDir, "metrics.json"));

    static double Value(string outDir, string name) =>
        Record(outDir).SeriesNamed(ModelName)!.Values.Single(v => v.Name == name).Number!.Value;

    static string Text(string outDir, string name) =>
        Record(outDir).SeriesNamed(ModelName)!.Values.Single(v => v.Name == name).Text!;

    [Fact]
    public void A_bad_device_is_a_usage_error_before_any_data_loads()
    {
        // No data folder at all: loading MNIST would fail first (exit 1) if --device were checked after it.
        var result = Lightning(new Dictionary<string, string> { ["CH13_DATA"] = scratch.PathFor("no-data-here") },
            "--quick", "--device", "tpu", "--out", scratch.PathFor("out"));

        result.ExitCode.Should().Be(2, result.Output + result.Errors);
        result.Errors.Trim().Should().Be("--device tpu: expected cpu, cuda or cuda:N.");
        result.Output.Should().NotContain("MNIST");
    }

    [Fact]
    public void Eval_only_without_weights_is_a_usage_error()
    {
        var result = Lightning(null, "--eval-only", "--out", scratch.PathFor("none"));
        result.ExitCode.Should().Be(2, result.Output + result.Errors);
        result.Errors.Should().Be("lightning: --eval-only needs --weights FILE (the state_dict to evaluate). Try --help.\n");
    }

    /// <summary>A --quick fit, then its best checkpoint's .pth (and .ckpt) tested with --eval-only: the fit's test_acc exactly.</summary>
    [Fact]
    public void Eval_only_with_the_best_pth_gives_the_fits_test_accuracy()
    {
        var fitDir = scratch.PathFor("fit");
        var fit = Lightning(null, "--quick", "--epochs", "2", "--out", fitDir);
        fit.ExitCode.Should().Be(0, fit.Errors);
        var ckpt = Path.Combine(fitDir, Text(fitDir, "best_model_path"));
        var pth = Path.ChangeExtension(ckpt, ".pth");
        File.Exists(pth).Should().BeTrue();

        foreach (var (file, format) in new[] { (pth, "PyTorch state_dict"), (ckpt, "Lightning checkpoint") })
        {
            var evalDir = scratch.PathFor("eval-" + Path.GetExtension(file).TrimStart('.'));
            var evaluated = Lightning(null, "--quick", "--weights", file, "--eval-only", "--out", evalDir);

            evaluated.ExitCode.Should().Be(0, evaluated.Errors);
            PrintedLines.Joined(evaluated.Output).Should().Contain($"Weights from {file} ({format}); evaluating only, no training")
                .And.Contain("Test metric").And.NotContain("Epoch 0/").And.NotContain("`Trainer.fit` stopped");
            Record(evalDir).Status.Should().Be(RunStatus.Evaluated);
            File.Exists(Path.Combine(evalDir, "history.png")).Should().BeFalse();
            Value(evalDir, "test_acc").Should().Be(Value(fitDir, "test_acc"));
            Value(evalDir, "test_loss").Should().Be(Value(fitDir, "test_loss"));
            Value(evalDir, "test_acc_book_style").Should().Be(Value(fitDir, "test_acc_book_style"));
        }
        log.WriteLine($"lightning --quick --epochs 2: test_acc {Value(fitDir, "test_acc"):R}; --eval-only of {Path.GetFileName(pth)}: the same");
    }

    /// <summary>The best .pth loaded by torch.load into the notebook's MultiLayerPerceptron layers: the same test_acc.</summary>
    [PyTorchFact]
    public void The_best_pth_loads_into_the_notebooks_mlp_with_the_same_test_accuracy()
    {
        var fitDir = scratch.PathFor("fit");
        var fit = Lightning(null, "--quick", "--epochs", "2", "--quiet", "--out", fitDir);
        fit.ExitCode.Should().Be(0, fit.Errors);
        var pth = Path.ChangeExtension(Path.Combine(fitDir, Text(fitDir, "best_model_path")), ".pth");

        // --quick tests 40 batches of 64: the first 2560 test images
        var python = PyTorch.RunScript("lightning_eval.py", pth, "2560");

        python.ExitCode.Should().Be(0, python.Errors);
        var match = System.Text.RegularExpressions.Regex.Match(python.Output, @"test_acc: [0-9.]+ \((\d+)/(\d+)\)");
        match.Success.Should().BeTrue(python.Output);
        var pythonAcc = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / (double)int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        log.WriteLine($"lightning C# → Python: test_acc {Value(fitDir, "test_acc"):R} (C#) vs {pythonAcc:R} (PyTorch)");
        // The trainer averages per-batch accuracies weighted by batch size: correct/total up to double rounding.
        Value(fitDir, "test_acc").Should().BeApproximately(pythonAcc, 1e-9);
    }

    /// <summary>
    /// The best .ckpt read by torch.load as Lightning's: its weights give the same test_acc in the notebook's model and
    /// its optimiser state loads into torch.optim.Adam (steps = the checkpoint's global_step) and steps on.
    /// </summary>
    [PyTorchFact]
    public void The_best_ckpt_loads_in_pytorch_as_a_lightning_checkpoint()
    {
        var fitDir = scratch.PathFor("fit");
        Lightning(null, "--quick", "--epochs", "2", "--quiet", "--out", fitDir).ExitCode.Should().Be(0);
        var ckpt = Path.Combine(fitDir, Text(fitDir, "best_model_path"));
        var step = Record(fitDir).SeriesNamed(ModelName)!.Values.Single(v => v.Name == "logged_steps").Numbers![(int)Value(fitDir, "best_epoch")];

        var python = PyTorch.RunScript("lightning_ckpt.py", ckpt, "2560");

        python.ExitCode.Should().Be(0, python.Errors);
        python.Output.Should().Contain("keys: callbacks, ch13, epoch, global_step, hyper_parameters, lr_schedulers, optimizer_states, state_dict\n")
            .And.Contain($"epoch={Value(fitDir, "best_epoch")} global_step={step}")
            .And.Contain("callbacks: EarlyStopping{'monitor': 'valid_loss', 'mode': 'min'}; ModelCheckpoint{'monitor': 'valid_acc', 'mode': 'max'")
            .And.Contain("hyper_parameters: {'hidden_units': [32, 16], 'image_shape': [1, 28, 28]}")
            .And.Contain($"optimizer: lr=0.001 steps=[{step}]")
            .And.Contain("step changed weights: True");
        var match = System.Text.RegularExpressions.Regex.Match(python.Output, @"test_acc: [0-9.]+ \((\d+)/(\d+)\)");
        match.Success.Should().BeTrue(python.Output);
        var pythonAcc = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / (double)int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Value(fitDir, "test_acc").Should().BeApproximately(pythonAcc, 1e-9);
    }

    /// <summary>
    /// --ckpt-path: a --quick fit stopped after one epoch and resumed from its last.ckpt to three ends as the
    /// uninterrupted three-epoch fit: the same history, checkpoints, weights and test metrics; and it is said first.
    /// </summary>
    [Fact]
    public void Ckpt_path_last_resumes_a_fit_to_the_uninterrupted_result()
    {
        var whole = scratch.PathFor("whole");
        var resumed = scratch.PathFor("resumed");
        Lightning(null, "--quick", "--epochs", "3", "--shuffle", "--quiet", "--out", whole).ExitCode.Should().Be(0);
        Lightning(null, "--quick", "--epochs", "1", "--shuffle", "--quiet", "--out", resumed).ExitCode.Should().Be(0);
        File.Exists(Path.Combine(resumed, "checkpoints", "last.ckpt")).Should().BeTrue();

        var result = Lightning(null, "--quick", "--epochs", "3", "--shuffle", "--ckpt-path", "last", "--out", resumed);

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Contain($"Restored all states from the checkpoint at {Path.Combine(resumed, "checkpoints", "last.ckpt")} (epoch=0, step=100)")
            .And.NotContain("Epoch 0/2:").And.Contain("Epoch 1/2:").And.Contain("Epoch 2/2:");
        var (a, b) = (Record(whole).SeriesNamed(ModelName)!, Record(resumed).SeriesNamed(ModelName)!);
        b.History.Should().Equal(a.History);
        foreach (var name in new[] { "test_acc", "test_loss", "test_acc_book_style", "best_valid_acc", "best_epoch" })
            Value(resumed, name).Should().Be(Value(whole, name), name);
        Text(resumed, "best_checkpoint").Should().Be(Text(whole, "best_checkpoint"));
        Record(resumed).Config.GetProperty("resumed_from").GetString().Should().Be(Path.Combine(resumed, "checkpoints", "last.ckpt"));
        PthTensors(Path.Combine(resumed, Text(resumed, "best_model_path"))).Should().Equal(PthTensors(Path.Combine(whole, Text(whole, "best_model_path"))));
        File.ReadAllText(Path.Combine(resumed, "lightning_logs", "version_1", "metrics.csv"))
            .Should().Be(File.ReadAllText(Path.Combine(whole, "lightning_logs", "version_0", "metrics.csv")), "the csv holds every epoch, the restored ones too");
    }

    // A .pth's tensor bytes (its zip entries under data/, in order), to compare weights exactly.
    static byte[] PthTensors(string path)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(Path.ChangeExtension(path, ".pth"));
        return zip.Entries.Where(e => e.FullName.Contains("/data/")).OrderBy(e => e.FullName, StringComparer.Ordinal)
            .SelectMany(e => { using var s = e.Open(); using var m = new MemoryStream(); s.CopyTo(m); return m.ToArray(); }).ToArray();
    }

    /// <summary>Lightning's CSVLogger layout, its version counting up over the run folder's kept history.</summary>
    [Fact]
    public void Logs_go_to_lightning_logs_version_n_counting_up_over_the_kept_runs()
    {
        var outDir = scratch.PathFor("logs");
        for (var i = 0; i < 2; i++)
            Lightning(null, "--quick", "--epochs", "1", "--quiet", "--out", outDir).ExitCode.Should().Be(0);

        var version = Path.Combine(outDir, "lightning_logs", "version_1");
        Directory.GetDirectories(Path.Combine(outDir, "lightning_logs")).Should().Equal(version); // the earlier one is in the kept set
        File.ReadAllText(Path.Combine(version, "hparams.yaml")).Should().Be("hidden_units:\n- 32\n- 16\nimage_shape:\n- 1\n- 28\n- 28\n");
        var csv = File.ReadAllLines(Path.Combine(version, "metrics.csv"));
        csv[0].Should().Be("epoch,step,lr-Adam,test_acc,test_loss,train_acc,train_loss,valid_acc,valid_loss");
        csv.Should().HaveCount(3); // one epoch, then the test row
        File.Exists(Path.Combine(outDir, "metrics.csv")).Should().BeFalse();
        var kept = Directory.GetDirectories(RunSets.StorePath(outDir)).Should().ContainSingle().Subject;
        File.Exists(Path.Combine(kept, "lightning_logs", "version_0", "metrics.csv")).Should().BeTrue();
    }
}
