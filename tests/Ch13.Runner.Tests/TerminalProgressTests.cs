using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ch13.Runner.Tests;

/// <summary>
/// The live progress bar on a real pseudo-terminal (util-linux <c>script</c>) at 60, 80 and 120 columns: what stays on
/// screen, once the bar's in-place redraws are removed, holds every epoch line exactly as a pipe prints it, and no
/// redraw is as wide as the terminal (so none wraps).
/// </summary>
public sealed class TerminalProgressTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    readonly ScratchDir scratch = new();
    public void Dispose() => scratch.Dispose();

    static readonly bool HasScript = File.Exists("/usr/bin/script");

    [Theory]
    [InlineData("mnist", 60, new[] { "--quick", "--epochs", "25" })]
    [InlineData("mnist", 80, new[] { "--quick", "--epochs", "25" })]
    [InlineData("mnist", 120, new[] { "--quick", "--epochs", "25" })]
    [InlineData("lightning", 80, new[] { "--quick", "--epochs", "3" })]
    public void The_scrollback_holds_every_epoch_line_as_a_pipe_prints_it(string name, int columns, string[] args)
    {
        if (!HasScript) return; // no pseudo-terminal tool on this machine (util-linux' script)
        var script = Path.Combine(Repo.Root, "scripts", name + ".csx");
        var piped = shared.Runner.Run([script, "--", .. args, "--out", scratch.PathFor("pipe")]);
        piped.ExitCode.Should().Be(0, piped.Errors);
        var epochLines = piped.Output.Split('\n').Where(IsEpochLine).Select(Untimed).ToList();
        epochLines.Should().HaveCountGreaterThan(1);

        var raw = OnTerminal(columns, ["dotnet", Repo.RunnerDll, script, "--", .. args, "--out", scratch.PathFor("tty")]);
        var segments = raw.Replace("\r\n", "\n").Split('\n');
        var screen = segments.Select(Visible).ToList();
        screen.Where(l => IsEpochLine(l) && !l.Contains('%')).Select(Untimed).Should().Equal(epochLines,
            "every epoch line is on screen whole, in order, as in a pipe");
        var frames = segments.SelectMany(s => s.Split('\r')).Select(StripEscapes).Where(f => Regex.IsMatch(f, @"\d%")).ToList();
        frames.Should().NotBeEmpty("the bar was drawn");
        frames.Should().AllSatisfy(f => f.Length.Should().BeLessThan(columns, "a bar frame never wraps"));
    }

    [Fact]
    public void Short_epochs_show_overall_progress_and_long_ones_keep_the_loss_at_80_columns()
    {
        if (!HasScript) return;
        var xor = Frames(OnTerminal(80, ["dotnet", Repo.RunnerDll, Path.Combine(Repo.Root, "scripts", "xor.csx"), "--", "--out", scratch.PathFor("xor")]));
        xor.Should().Contain(f => Regex.IsMatch(f, @"^ *([1-9]|[1-9]\d)% .* Epoch \d+/100 \[\d\d:\d\d<(?!00:00)\d\d:\d\d, [\d.]+ epoch/s, train_loss="),
            "mid-run, xor's bar counts epochs with an overall percent, a real ETA and the loss");
        xor.Should().AllSatisfy(f => f.Length.Should().BeLessThan(80)).And.NotContain(f => f.Contains(" 0/"), "no frame before the first real one");

        // Batches of 4 (15000 an epoch, 3.8 s on the fastest machine seen): batches of 64 took 0.43 s there, under the 0.5 s
        // after which the bar counts batches, so the epoch would rightly be counted as a short one.
        var mnist = Frames(OnTerminal(80, ["dotnet", Repo.RunnerDll, Path.Combine(Repo.Root, "scripts", "mnist.csx"), "--", "--full", "--epochs", "1", "--batch-size", "4", "--out", scratch.PathFor("mnist")]));
        mnist.Should().Contain(f => Regex.IsMatch(f, @"Epoch 1/1 +\d+% .* \d+/15000 \[.*train_loss="), "a long epoch is counted in batches, with the loss");
        mnist.Should().AllSatisfy(f => f.Length.Should().BeLessThan(80)).And.NotContain(f => f.Contains(" 0/1"));
    }

    // Every bar frame a run drew, escapes removed.
    static List<string> Frames(string raw) =>
        raw.Split('\r', '\n').Select(StripEscapes).Where(f => Regex.IsMatch(f, @"\d%")).ToList();

    // An epoch line, or the indented line of metrics that continues Lightning's.
    static bool IsEpochLine(string line) => line.StartsWith("Epoch ", StringComparison.Ordinal) || line.StartsWith("  train_", StringComparison.Ordinal);

    // Lightning's epoch line without its timings (which differ from run to run): "Epoch 0/2: 100 batches, 0.3 s, 371 it/s,
    // lr-Adam=0.001" (its metrics follow on an indented line of their own, so that both fit 80 columns).
    static string Untimed(string line) => Regex.Replace(line, @"\d+\.\d s, \d+ it/s", "<time>");

    // What a terminal line shows: the text after its last carriage return (redraws overwrite from column 0), escapes removed.
    static string Visible(string segment) => StripEscapes(segment[(segment.LastIndexOf('\r') + 1)..]);

    static string StripEscapes(string text) => Regex.Replace(text, "\u001b(\\[[0-9;?]*[A-Za-z]|[=>])", "");

    string OnTerminal(int columns, IReadOnlyList<string> command) => PseudoTerminal.Run(columns, command, shared.Runner.CacheDir, TimeSpan.FromMinutes(3));
}
