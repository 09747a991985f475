using Spectre.Console;

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
                display.Update(m.Epoch, Progress.Describe("MLP", m, 3));
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
        Progress.ModeFor(quiet, redirected, setting).Should().Be(expected);

    [Fact]
    public void The_progress_line_shows_epoch_loss_and_accuracy_train_then_valid()
    {
        Progress.Describe("MLP", Epochs[1], 3).Should().Be("MLP · epoch 2/3 · loss 0.4000/0.4200 · acc 0.800/0.790");
        Progress.Describe("Regression", new EpochMetrics(5, 8.2171, null, null, null, 0.001), 200).Should().Be("Regression · epoch 5/200 · loss 8.2171");
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
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(terminal),
        });

        var (direct, result) = Capture(() => FakeLoop(ProgressDisplay.Live(console, "MLP · epoch 0/3", 3), NotebookLine));

        result.Should().Be("history");
        direct.Should().BeEmpty("while the bar is live, console output goes through it");
        var screen = terminal.ToString();
        screen.Should().Contain("Epoch [1/3], Loss: 0.7").And.Contain("Epoch [3/3], Loss: 0.22");
        screen.IndexOf("Epoch [1/3]", StringComparison.Ordinal).Should().BeLessThan(screen.IndexOf("Epoch [3/3]", StringComparison.Ordinal));
        screen.Should().Contain("\u001b[", "the bar is redrawn with ANSI cursor control");
    }

    [Fact]
    public void A_line_printed_without_a_newline_still_comes_out_when_the_live_bar_ends()
    {
        var terminal = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(terminal),
        });
        Capture(() =>
        {
            using var display = ProgressDisplay.Live(console, "MLP", 3);
            Console.Write("partial");
            return 0;
        });
        terminal.ToString().Should().Contain("partial");
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
