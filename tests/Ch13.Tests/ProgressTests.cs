namespace Ch13.Tests;

/// <summary>
/// Training progress (lib/run/Progress.cs): the one display and Training.Fit's bar on it. These tests swap Console.Out, so they run apart from the rest
/// (the torch collection runs on its own).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class ProgressTests
{
    static readonly EpochMetrics[] Epochs =
    [
        new(1, 0.69, 0.5, 0.70, 0.48, 0.015),
        new(2, 0.40, 0.8, 0.42, 0.79, 0.015),
        new(3, 0.20, 0.95, 0.22, 0.93, 0.015),
    ];

    // Stands in for Training.Fit: drives a callback through a fit of the three epochs, printing each epoch's notebook line first.
    static string FakeFit(EpochCallback progress, Action<EpochMetrics>? log = null)
    {
        progress.OnFitStart();
        try
        {
            foreach (var m in Epochs)
            {
                log?.Invoke(m);
                progress.OnEpochEnd(new EpochEnd(m, null!, null!, Stopping: false, Ending: false));
            }
        }
        finally { progress.OnFitEnd(); }
        return "history";
    }

    // Reports the three epochs to a display, printing each epoch's notebook line first.
    static string FakeLoop(ProgressDisplay display, Action<EpochMetrics>? log)
    {
        using (display)
            foreach (var m in Epochs)
            {
                log?.Invoke(m);
                display.Update(m.Epoch, EpochProgressBar.Describe("MLP", m, 3));
            }
        return "history";
    }

    static void NotebookLine(EpochMetrics m) => Console.WriteLine(EpochLines.Loss(m, 3));

    [Theory]
    [InlineData(true, false, null, ProgressMode.Quiet)]
    [InlineData(true, true, "live", ProgressMode.Quiet)]
    [InlineData(false, false, null, ProgressMode.Live)]
    [InlineData(false, true, null, ProgressMode.Plain)]
    [InlineData(false, false, "plain", ProgressMode.Plain)]
    [InlineData(false, true, "live", ProgressMode.Live)]
    public void A_live_bar_is_shown_only_on_a_terminal_and_never_when_quiet(bool quiet, bool redirected, string? setting, ProgressMode expected) =>
        ProgressModes.For(quiet, redirected, setting).Should().Be(expected);

    [Fact]
    public void The_progress_line_shows_epoch_loss_and_accuracy_train_then_valid()
    {
        EpochProgressBar.Describe("MLP", Epochs[1], 3).Should().Be("MLP · epoch 2/3 · loss 0.4000/0.4200 · acc 0.800/0.790");
        EpochProgressBar.Describe("Regression", new EpochMetrics(5, 8.2171, null, null, null, 0.001), 200).Should().Be("Regression · epoch 5/200 · loss 8.2171");
    }

    [Fact]
    public void Plain_mode_keeps_the_notebooks_lines_and_restores_the_console()
    {
        var (output, result) = Capture(() => FakeLoop(ProgressDisplay.Start(ProgressMode.Plain, "MLP", 3, heartbeat: TimeSpan.FromHours(1)), NotebookLine));

        result.Should().Be("history");
        output.Should().Be("Epoch [1/3], Loss: 0.7\nEpoch [2/3], Loss: 0.42\nEpoch [3/3], Loss: 0.22\n");
    }

    [Fact]
    public void Plain_mode_adds_a_progress_line_after_a_silence()
    {
        var (output, _) = Capture(() => FakeLoop(ProgressDisplay.Start(ProgressMode.Plain, "MLP", 3, heartbeat: TimeSpan.Zero), null));

        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3)
            .And.AllSatisfy(line => line.Should().MatchRegex(@"^MLP · epoch \d/3 · loss [\d.]+/[\d.]+ · acc [\d.]+/[\d.]+ · \d+ s$"));
    }

    [Fact]
    public void Quiet_mode_shows_nothing_and_leaves_the_console_alone()
    {
        var (output, _) = Capture(() => FakeFit(new EpochProgressBar(ProgressMode.Quiet, "MLP", 3), NotebookLine));
        output.Should().Be("Epoch [1/3], Loss: 0.7\nEpoch [2/3], Loss: 0.42\nEpoch [3/3], Loss: 0.22\n");
    }

    [Fact]
    public void The_epoch_progress_bar_swaps_the_console_only_while_the_fit_runs()
    {
        var original = Console.Out;
        var bar = new EpochProgressBar(ProgressMode.Plain, "MLP", 3);
        var (output, _) = Capture(() =>
        {
            var installed = Console.Out;
            bar.OnFitStart();
            Console.Out.Should().NotBeSameAs(installed, "lines printed during the fit go through the display");
            Console.WriteLine("during");
            bar.OnFitEnd();
            Console.Out.Should().BeSameAs(installed);
            return 0;
        });
        output.Should().Be("during\n");
        Console.Out.Should().BeSameAs(original);
    }

    [Fact]
    public void Live_mode_draws_a_bar_and_prints_the_epoch_lines_above_it()
    {
        var terminal = new StringWriter();
        var (direct, result) = Capture(() => FakeFit(LiveBar(terminal, 80, epochs: 3), NotebookLine));

        result.Should().Be("history");
        direct.Should().BeEmpty("while the bar is live, console output goes through it");
        var screen = Screen(terminal.ToString());
        screen.Should().ContainInOrder("Epoch [1/3], Loss: 0.7", "Epoch [2/3], Loss: 0.42", "Epoch [3/3], Loss: 0.22");
        screen.Should().AllSatisfy(line => line.Length.Should().BeLessThan(80));
        terminal.ToString().Should().Contain("\r").And.Contain("\u001b[K", "the bar is redrawn in place with clear-to-end-of-line");
    }

    [Fact]
    public void The_live_bar_shows_steps_within_an_epoch_and_its_last_frame_stays_on_screen()
    {
        var terminal = new StringWriter();
        var probe = LiveBar(terminal, 200, epochs: 2, longEpoch: TimeSpan.Zero);
        // Training.Fit's hooks by hand: 4 batches in each of 2 epochs.
        Capture(() =>
        {
            probe.OnFitStart();
            for (var epoch = 1; epoch <= 2; epoch++)
            {
                for (var b = 1; b <= 4; b++) probe.OnBatchEnd(new BatchEnd(epoch, b, 4, 0.5 / b, 0.8));
                Console.WriteLine($"Epoch [{epoch}/2], Loss: 0.{epoch}");
                probe.OnEpochEnd(new EpochEnd(new EpochMetrics(epoch, 0.3, 0.8, 0.25, 0.9, 0.01), null!, null!, false, false));
            }
            probe.OnFitEnd();
            return 0;
        });
        var screen = Screen(terminal.ToString());
        screen.Should().ContainInOrder("Epoch [1/2], Loss: 0.1", "Epoch [2/2], Loss: 0.2");
        screen[^1].Should().StartWith("MLP · Epoch 2/2  100% ").And.Contain(" 4/4 [").And.Contain("train_loss=0.125, train_acc=0.800, val_loss=0.250, val_acc=0.900]",
            "the last frame is left on screen (tqdm's leave=True), labelled");
        terminal.ToString().Should().Contain(" 1/4 [", "the bar moves within an epoch, per step");
    }

    [Theory]
    [InlineData(60)]
    [InlineData(80)]
    [InlineData(120)]
    public void The_bar_line_is_always_shorter_than_the_terminal(int width)
    {
        var state = new BarState("Epoch 3/5", 390, 860, TimeSpan.FromSeconds(2.4),
            [("train_loss", "0.210"), ("val_loss", "0.190"), ("val_acc", "0.940")]);
        var line = ProgressBars.Line(state, width);
        line.Length.Should().BeLessThan(width);
        line.Should().StartWith("Epoch 3/5   45% ").And.Contain(" 390/860");
        for (var w = 1; w <= 200; w++) ProgressBars.Line(state, w).Length.Should().BeLessThan(Math.Max(2, w));
    }

    [Fact]
    public void Fields_drop_from_the_end_at_narrow_widths()
    {
        var state = new BarState("Epoch 3/5", 390, 860, TimeSpan.FromSeconds(2.4),
            [("train_loss", "0.210"), ("val_loss", "0.190"), ("val_acc", "0.940")]);
        ProgressBars.Line(state, 120).Should().Be(
            "Epoch 3/5   45% █████████▉             390/860 [00:02<00:03, 162 it/s, train_loss=0.210, val_loss=0.190, val_acc=0.940]");
        ProgressBars.Line(state, 80).Should().Be("Epoch 3/5   45% █████▉        390/860 [00:02<00:03, 162 it/s, train_loss=0.210]");
        ProgressBars.Line(state, 60).Should().Be("Epoch 3/5   45% ████▉       390/860 [00:02<00:03, 162 it/s]");
        ProgressBars.Line(state, 30).Should().Be("Epoch 3/5   45% 390/860");
    }

    [Fact]
    public void A_download_bar_counts_in_its_own_unit()
    {
        var state = new BarState("  train-images", 4460, 9912, TimeSpan.FromSeconds(2), [], "kB");
        ProgressBars.Line(state, 80).Should().StartWith("  train-images   44% ").And.EndWith(" 4460/9912 [00:02<00:02, 2230 kB/s]");
    }

    [Fact]
    public void The_bar_fills_in_eighths()
    {
        ProgressBars.Bar(0, 4).Should().Be("    ");
        ProgressBars.Bar(0.5, 4).Should().Be("██  ");
        ProgressBars.Bar(0.5 + 2 / 32.0, 4).Should().Be("██▎ ");
        ProgressBars.Bar(1, 4).Should().Be("████");
    }

    [Fact]
    public void A_line_printed_without_a_newline_still_comes_out_when_the_live_bar_ends()
    {
        var terminal = new StringWriter();
        Capture(() =>
        {
            using var display = ProgressDisplay.Live(terminal, () => 80, "MLP", 3);
            Console.Write("partial");
            return 0;
        });
        Screen(terminal.ToString()).Should().Contain("partial");
    }

    // What a terminal shows: each line as the text after its last carriage return, escape codes removed.
    static List<string> Screen(string raw) =>
        raw.Split('\n').Select(line => System.Text.RegularExpressions.Regex.Replace(line[(line.LastIndexOf('\r') + 1)..], "\u001b\\[[0-9;]*[A-Za-z]", ""))
           .Where(line => line.Length > 0).ToList();

    // Training.Fit's bar in live mode, drawn on a fake terminal of a fixed width.
    static EpochProgressBar LiveBar(TextWriter terminal, int width, int epochs, TimeSpan? longEpoch = null) =>
        new(ProgressMode.Live, "MLP", epochs, (description, total) => ProgressDisplay.Live(terminal, () => width, description, total), longEpoch);

    [Fact]
    public void Short_epochs_are_counted_as_epochs_with_overall_percent_and_the_loss()
    {
        var terminal = new StringWriter();
        var probe = LiveBar(terminal, 80, epochs: 4);
        Capture(() =>
        {
            probe.OnFitStart();
            for (var epoch = 1; epoch <= 2; epoch++)
            {
                for (var b = 1; b <= 3; b++) probe.OnBatchEnd(new BatchEnd(epoch, b, 3, 0.5, 0.8));
                Thread.Sleep(20); // a measurable fit time, for the rate and the ETA
                probe.OnEpochEnd(new EpochEnd(new EpochMetrics(epoch, 0.3, 0.8, 0.25, 0.9, 0.01), null!, null!, false, false));
            }
            probe.OnFitEnd(); // cut short after 2 of 4: the last frame is mid-run
            return 0;
        });
        var frames = terminal.ToString().Split('\r', '\n').Select(f => f.Replace("\u001b[K", "")).Where(f => f.Length > 0).ToList();
        frames.Should().NotContain(f => f.Contains(" 0/"), "no frame before the first epoch's");
        frames[^1].Should().MatchRegex(@"^MLP   50% .+ Epoch 2/4 \[00:00<00:00, \d+ epoch/s, train_loss=0.300")
            .And.NotContain(" 3/3", "the batches of a short epoch are not counted");
        frames.Should().AllSatisfy(f => f.Length.Should().BeLessThan(80));
    }

    [Fact]
    public void At_narrow_widths_the_loss_stays_and_the_model_name_goes()
    {
        var state = new BarState("MNIST MLP 784-32-16-10 · Epoch 1/1", 390, 860, TimeSpan.FromSeconds(2.4),
            [("train_loss", "0.210"), ("train_acc", "0.940")]);
        ProgressBars.Line(state, 80).Should().StartWith("Epoch 1/1   45% ").And.EndWith(" 390/860 [00:02<00:03, 162 it/s, train_loss=0.210]");
        var epochs = new BarState("MNIST MLP 784-32-16-10", 28, 100, TimeSpan.FromSeconds(7), [("train_loss", "0.210")], "epoch", "Epoch");
        ProgressBars.Line(epochs, 80).Should().StartWith("28% ").And.EndWith(" Epoch 28/100 [00:07<00:18, 4.00 epoch/s, train_loss=0.210]");
    }

    [Fact]
    public void The_line_writer_hands_over_whole_lines()
    {
        var lines = new List<string>();
        var writer = new LineWriter(lines.Add);
        writer.Write("Epoch [1/3], ");
        writer.Write("Loss: 0.7\r\nnext");
        writer.WriteLine(" line");
        writer.Write("partial");
        writer.Flush();
        lines.Should().Equal("Epoch [1/3], Loss: 0.7", "next line", "partial");
    }

    static (string Output, T Result) Capture<T>(Func<T> action)
    {
        var original = Console.Out;
        var capture = new StringWriter();
        Console.SetOut(capture);
        var installed = Console.Out;
        try
        {
            var result = action();
            Console.Out.Should().BeSameAs(installed, "Progress restores the writer it found");
            return (capture.ToString().ReplaceLineEndings("\n"), result);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
