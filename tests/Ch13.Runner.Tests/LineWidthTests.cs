using System.Text.RegularExpressions;

namespace Ch13.Runner.Tests;

/// <summary>
/// Every line a script's <c>--quick</c> run prints (stdout and stderr, in a pipe) fits an 80-column terminal, except
/// the notebook's own output, which keeps the notebook's format (fidelity wins): see <see cref="NotebookFormat"/>.
/// </summary>
public sealed class LineWidthTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    readonly ScratchDir scratch = new();
    public void Dispose() => scratch.Dispose();

    /// <summary>
    /// The rule's only exemption, the notebook's own output printed as the notebook printed it: its epoch lines
    /// (<c>Epoch [1/5], Train Loss: …</c>, EpochLines) and pandas tables (a row whose columns are separated by runs of two
    /// or more spaces, at least four of them: <c>Tables.Tail</c>, <c>describe()</c>).
    /// </summary>
    public static bool NotebookFormat(string line) =>
        Regex.IsMatch(line, @"^Epoch \[\d+/\d+\]") || Regex.Matches(line, @"\S {2,}(?=\S)").Count >= 4;

    [Theory]
    [MemberData(nameof(ScriptSmokeTests.Scripts), MemberType = typeof(ScriptSmokeTests))]
    public void Every_line_a_quick_run_prints_fits_80_columns_but_the_notebooks_own(string name)
    {
        var result = shared.Runner.Run([Path.Combine(Repo.Root, "scripts", name + ".csx"), "--", "--quick", "--out", scratch.PathFor(name)]);
        result.ExitCode.Should().Be(0, result.Errors);

        var lines = (result.Output + result.Errors).ReplaceLineEndings("\n").Split('\n');
        lines.Where(l => l.Length > 80 && !NotebookFormat(l)).Should().BeEmpty($"{name} prints lines of at most 80 columns, the notebook's own excepted");
    }

    [Fact]
    public void The_exemption_covers_the_notebooks_lines_and_nothing_else()
    {
        NotebookFormat("Epoch [1/5], Train Loss: 2.1428, Train Acc: 0.3970, Valid Loss: 1.4248, Valid Acc: 0.5750").Should().BeTrue();
        NotebookFormat("393  27.0          4         140.0        86.0  2790.0          15.6          82       1").Should().BeTrue();
        NotebookFormat("x_train [313, 9], x_test [79, 9]: Cylinders, Displacement, Horsepower, Weight, Acceleration").Should().BeFalse();
        NotebookFormat("Epoch 0/1: 860 batches, 2.3 s, 371 it/s, lr-Adam=0.001 train_acc=0.912 train_loss=0.301").Should().BeFalse();
        NotebookFormat("Wrote out/xor/: decision_regions.png, history.png, metrics.json, my_module.pth (train 0.51 s)").Should().BeFalse();
    }
}
