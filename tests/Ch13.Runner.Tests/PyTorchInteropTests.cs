using System.Diagnostics;
using System.Globalization;
using Ch13.Runner.Tests;

namespace Ch13.Runner.Tests;

/// <summary>
/// Real PyTorch, for the tests that carry models between the notebook and the scripts: the first of CH13_PYTHON,
/// python3 on PATH and /usr/bin/python3 that can <c>import torch</c>. .ci/run installs Debian's python3-torch; elsewhere
/// the tests are skipped, saying why.
/// </summary>
public static class PyTorch
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The python that imports torch, or null.</summary>
    public static string? Python { get; } = Find();

    public static string? SkipReason => Python is null
        ? "PyTorch not found: install it (Debian: apt-get install python3-torch; .ci/run does) or set CH13_PYTHON to a python that can import torch"
        : null;

    static string? Find()
    {
        var given = Environment.GetEnvironmentVariable("CH13_PYTHON");
        string[] candidates = string.IsNullOrEmpty(given) ? ["python3", "/usr/bin/python3"] : [given];
        return candidates.FirstOrDefault(python =>
        {
            try { return Run(python, ["-c", "import torch"]).ExitCode == 0; }
            catch (System.ComponentModel.Win32Exception) { return false; } // not installed
        });
    }

    /// <summary>Runs <c>python tests/python/{script} args</c> from the repository root, with the test data location.</summary>
    public static RunResult RunScript(string script, params string[] args) =>
        Run(Python ?? throw new InvalidOperationException(SkipReason), [Path.Combine(Repo.Root, "tests", "python", script), .. args]);

    static RunResult Run(string python, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        return RunnerProcess.Complete(start, Timeout, $"{python} {string.Join(' ', args)}");
    }

    /// <summary>A CSV of numbers (logits, predictions) as rows.</summary>
    public static double[][] ReadCsv(string path) => File.ReadAllLines(path).Where(line => line.Length > 0)
        .Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    /// <summary>The largest difference between two equally shaped tables, relative to the largest magnitude in <paramref name="expected"/>.</summary>
    public static (double Absolute, double Relative) MaxDifference(double[][] expected, double[][] actual)
    {
        actual.Length.Should().Be(expected.Length);
        var absolute = expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).Max();
        return (absolute, absolute / expected.Max(row => row.Max(Math.Abs)));
    }
}

/// <summary>A fact that runs only where PyTorch is installed.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute() => Skip = PyTorch.SkipReason;
}

/// <summary>
/// Models move between PyTorch and C# (issue 13), both ways: the notebook's model trained in Python and evaluated by
/// the script (<c>--weights FILE --eval-only</c>), and the script's saved file loaded by <c>torch.load</c> into the
/// notebook's own model definition. Same test metric exactly; outputs equal to float32 rounding.
/// </summary>
/// <remarks>
/// Logits agree to within 1e-6 of the largest logit, not absolutely: the MNIST model sees raw 0..255 pixels, so its
/// logits reach ±25 and the first layer sums 784 products of up to 255·0.1, and TorchSharp's libtorch 2.x and
/// Debian's PyTorch 1.13 add them in different orders (measured: about 1.4e-5 absolute, 5.5e-7 of the largest logit).
/// </remarks>
public sealed class PyTorchInteropTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    const double LogitTolerance = 1e-6; // relative to the largest |logit|
    readonly RunnerProcess runner = new();
    readonly ScratchDir scratch = new();

    public void Dispose()
    {
        runner.Dispose();
        scratch.Dispose();
    }

    RunResult Script(string name, params string[] args) =>
        runner.Run([Path.Combine(Repo.Root, "scripts", name + ".csx"), "--", .. args]);

    static double TestAccuracy(string printed)
    {
        // "test accuracy: 0.8250 (165/200)"
        var match = System.Text.RegularExpressions.Regex.Match(printed, @"test accuracy: [0-9.]+ \((\d+)/(\d+)\)");
        match.Success.Should().BeTrue(printed);
        return int.Parse(match.Groups[1].Value) / (double)int.Parse(match.Groups[2].Value);
    }

    static double Value(string outDir, string series, string name) =>
        RunRecordFiles.Read(Path.Combine(outDir, "metrics.json")).SeriesNamed(series)!.Values.Single(v => v.Name == name).Number!.Value;

    [Fact]
    public void Eval_only_without_weights_is_a_usage_error_and_help_says_so()
    {
        var result = Script("mnist", "--eval-only", "--out", scratch.PathFor("none"));
        result.ExitCode.Should().Be(2);
        result.Errors.Should().Be("mnist: --eval-only needs --weights FILE (the state_dict to evaluate). Try --help.\n");
        Script("mnist", "--help").Output.Should().Contain("--weights FILE").And.Contain("--eval-only").And.Contain("(needs --weights)");
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_is_one_line()
    {
        var bogus = scratch.Write("bogus.pth", "not a model");
        var result = Script("mnist", "--weights", bogus, "--eval-only", "--out", scratch.PathFor("bogus"));
        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith($"checkpoint {bogus} is not a state_dict").And.NotContain("   at ");
        result.Errors.TrimEnd().Split('\n').Should().ContainSingle();
    }

    [PyTorchFact]
    public void Mnist_a_notebook_trained_state_dict_evaluates_in_csharp_with_the_same_accuracy_and_logits()
    {
        var pth = scratch.PathFor("notebook/best_model.pth");
        Directory.CreateDirectory(Path.GetDirectoryName(pth)!);
        var python = PyTorch.RunScript("mnist_train.py", pth, "3", scratch.PathFor("notebook/logits.csv"));
        python.ExitCode.Should().Be(0, python.Errors);
        python.Output.Should().Contain("keys: 1.weight, 1.bias, 3.weight, 3.bias, 5.weight, 5.bias");

        var outDir = scratch.PathFor("eval");
        var csharp = Script("mnist", "--weights", pth, "--eval-only", "--out", outDir);

        csharp.ExitCode.Should().Be(0, csharp.Errors);
        PrintedLines.Joined(csharp.Output).Should().Contain("(PyTorch state_dict); evaluating only, no training").And.NotContain("Epoch [");
        RunRecordFiles.Read(Path.Combine(outDir, "metrics.json")).Status.Should().Be(RunStatus.Evaluated);
        Value(outDir, "MLP 784-32-16-10", "test_acc").Should().Be(TestAccuracy(python.Output));
        var (absolute, relative) = PyTorch.MaxDifference(PyTorch.ReadCsv(scratch.PathFor("notebook/logits.csv")),
                                                         PyTorch.ReadCsv(Path.Combine(outDir, "test_logits.csv")));
        log.WriteLine($"mnist Python → C#: test acc {TestAccuracy(python.Output):F4}, max logit difference {absolute:G3} ({relative:G3} of the largest)");
        relative.Should().BeLessThan(LogitTolerance);
    }

    [PyTorchFact]
    public void Mnist_the_scripts_best_model_pth_loads_into_the_notebooks_model_with_the_same_accuracy_and_logits()
    {
        var outDir = scratch.PathFor("train");
        var csharp = Script("mnist", "--epochs", "8", "--quiet", "--out", outDir);
        csharp.ExitCode.Should().Be(0, csharp.Errors);
        var pth = Path.Combine(outDir, "best_model.pth");

        var python = PyTorch.RunScript("mnist_eval.py", pth, scratch.PathFor("python_logits.csv"));

        python.ExitCode.Should().Be(0, python.Errors);
        TestAccuracy(python.Output).Should().Be(Value(outDir, "MLP 784-32-16-10", "test_acc"));
        // The script's own logits for those weights, to compare with PyTorch's.
        var evalDir = scratch.PathFor("eval");
        Script("mnist", "--weights", pth, "--eval-only", "--quiet", "--out", evalDir).ExitCode.Should().Be(0);
        var (absolute, relative) = PyTorch.MaxDifference(PyTorch.ReadCsv(Path.Combine(evalDir, "test_logits.csv")),
                                                         PyTorch.ReadCsv(scratch.PathFor("python_logits.csv")));
        log.WriteLine($"mnist C# → Python: test acc {TestAccuracy(python.Output):F4}, max logit difference {absolute:G3} ({relative:G3} of the largest)");
        relative.Should().BeLessThan(LogitTolerance);
    }

    static double Printed(string output, string label)
    {
        // "Test MSE: 9.4829 (9.482880592346191)": the value in full precision, in brackets
        var match = System.Text.RegularExpressions.Regex.Match(output, label + @": [0-9.]+ \(([0-9.eE+-]+)\)");
        match.Success.Should().BeTrue(output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [PyTorchFact]
    public void Auto_mpg_test_mse_is_the_same_both_ways()
    {
        // Python → C#: the notebook's Sequential trained in PyTorch, tested by the script.
        var pth = scratch.PathFor("python_model.pth");
        var trained = PyTorch.RunScript("auto_mpg.py", "train", pth, "20");
        trained.ExitCode.Should().Be(0, trained.Errors);
        trained.Output.Should().Contain("keys: 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias, 6.weight, 6.bias");
        var evalDir = scratch.PathFor("eval");
        var evaluated = Script("auto_mpg", "--weights", pth, "--eval-only", "--quiet", "--out", evalDir);
        evaluated.ExitCode.Should().Be(0, evaluated.Errors);
        RunRecordFiles.Read(Path.Combine(evalDir, "metrics.json")).Status.Should().Be(RunStatus.Evaluated);
        var pythonMse = Printed(trained.Output, "Test MSE");
        var csharpMse = Value(evalDir, "MLP 9-10-6-4-1", "test_mse");

        // C# → Python: the script's model.pth loaded into the notebook's model.
        var trainDir = scratch.PathFor("train");
        Script("auto_mpg", "--epochs", "20", "--quiet", "--out", trainDir).ExitCode.Should().Be(0);
        var loaded = PyTorch.RunScript("auto_mpg.py", "eval", Path.Combine(trainDir, "model.pth"));
        loaded.ExitCode.Should().Be(0, loaded.Errors);
        var scriptMse = Value(trainDir, "MLP 9-10-6-4-1", "test_mse");
        var reloadedMse = Printed(loaded.Output, "Test MSE");

        log.WriteLine($"auto_mpg Python → C#: test MSE {pythonMse:R} (PyTorch) vs {csharpMse:R} (C#); C# → Python: {scriptMse:R} (C#) vs {reloadedMse:R} (PyTorch)");
        // The same float32 MSE up to the order its 79 squared errors are summed in (one ulp, measured).
        csharpMse.Should().BeApproximately(pythonMse, 1e-6 * pythonMse);
        reloadedMse.Should().BeApproximately(scriptMse, 1e-6 * scriptMse);
    }

    [PyTorchFact]
    public void Xor_my_module_valid_accuracy_is_the_same_both_ways()
    {
        var pth = scratch.PathFor("python_my_module.pth");
        var trained = PyTorch.RunScript("xor.py", "train", pth, "20");
        trained.ExitCode.Should().Be(0, trained.Errors);
        trained.Output.Should().Contain("keys: module_list.0.weight, module_list.0.bias, module_list.2.weight, module_list.2.bias, module_list.4.weight, module_list.4.bias");
        var evalDir = scratch.PathFor("eval");
        var evaluated = Script("xor", "--weights", pth, "--eval-only", "--quiet", "--out", evalDir);
        evaluated.ExitCode.Should().Be(0, evaluated.Errors);
        var pythonAcc = TestAccuracy(trained.Output.Replace("valid accuracy", "test accuracy"));
        var csharpAcc = Value(evalDir, "MLP 2-10-6-2", "valid_acc");

        var trainDir = scratch.PathFor("train");
        Script("xor", "--epochs", "20", "--quiet", "--out", trainDir).ExitCode.Should().Be(0);
        var loaded = PyTorch.RunScript("xor.py", "eval", Path.Combine(trainDir, "my_module.pth"));
        loaded.ExitCode.Should().Be(0, loaded.Errors);
        var scriptAcc = RunRecordFiles.Read(Path.Combine(trainDir, "metrics.json")).SeriesNamed("MLP 2-10-6-2")!.Final!.ValidAccuracy;
        var reloadedAcc = TestAccuracy(loaded.Output.Replace("valid accuracy", "test accuracy"));

        log.WriteLine($"xor Python → C#: valid acc {pythonAcc:F4} vs {csharpAcc:F4}; C# → Python: {scriptAcc:F4} vs {reloadedAcc:F4}");
        csharpAcc.Should().Be(pythonAcc);
        // The history's accuracy is float32, as the notebook's; one prediction more or less would be 1/300 apart.
        reloadedAcc.Should().BeApproximately(scriptAcc!.Value, 1e-6);
    }
}
