using Spectre.Console;
using Xunit.Abstractions;

namespace Ch13.Tools.Tests;

/// <summary>
/// run-all's end-of-batch summary on a terminal (BatchConsole.Terminal): at 80 columns every line fits and no word of a
/// cell is split across lines, for a realistic 9-script batch, a 3-seed sweep and a batch with a long failure cause.
/// tests/Ch13.Runner.Tests/SeedSweepTests.cs runs the real tool in an 80-column pseudo-terminal.
/// </summary>
public sealed class BatchTerminalTests(ITestOutputHelper output)
{
    static readonly IReadOnlyDictionary<string, ScriptReference> References = global::References.Load(global::References.DefaultPath(TestPaths.RepoRoot));

    // The key metrics of a real --quick batch of the nine scripts (their series, names and values).
    static readonly (string Script, string Series, string Name, double Value, Better Better)[] Nine =
    [
        ("init", "xavier_uniform_", "valid_acc", 0.5233333110809326, Better.Higher),
        ("autograd", null!, "grad_check_max_rel_error", 1.5827251496054697e-07, Better.Lower),
        ("sequential", "nn.Sequential", "valid_acc", 0.9151515364646912, Better.Higher),
        ("xor", "MLP 2-10-6-2", "valid_acc", 0.9866666793823242, Better.Higher),
        ("module", "MyModule", "valid_acc", 0.4909090995788574, Better.Higher),
        ("custom_layer", "MyNoisyModule", "valid_acc", 0.476666659116745, Better.Higher),
        ("auto_mpg", "MLP 9-10-6-4-1", "test_mse", 9.00793170928955, Better.Lower),
        ("mnist", "MLP 784-32-16-10", "test_acc", 0.825, Better.Higher),
        ("lightning", "MLP 784-32-16-10", "test_acc", 0.83828125, Better.Higher),
    ];

    static ScriptResult Result(int i, int? seed = null, string status = "completed", string? note = null)
    {
        var (script, series, name, value, better) = Nine[i];
        var stem = seed is { } s ? $"{script}/seed-{s}" : script;
        return new ScriptResult(script, status, status == "completed" ? 0 : 1, 7.85 + i * 13.1 + (seed ?? 0), 0.13 + i * 41.7,
            status == "completed" ? new KeyMetric(name, value + 0.01 * (seed ?? 0), better, series) : null, stem + ".log", stem + "/", note, seed);
    }

    static BatchSummary Batch(IEnumerable<ScriptResult> results) => new("t", "2026-12-07T04:00:00+00:00", 300, false, "csx", [], results.ToList());

    public static TheoryData<string> Batches => new() { "nine", "sweep", "failure" };

    static BatchSummary Named(string name) => name switch
    {
        "nine" => Batch(Enumerable.Range(0, 9).Select(i => Result(i))),
        "sweep" => Batch(Enumerable.Range(0, 9).SelectMany(i => Enumerable.Range(1, 3).Select(seed => Result(i, seed)))),
        _ => Batch(Enumerable.Range(0, 9).Select(i => i == 7
            ? Result(i, status: "failed", note: "exit code 1: System.IO.FileNotFoundException: Could not find file '/home/someone/data/MNIST/raw/train-images-idx3-ubyte'")
            : Result(i))),
    };

    static string Render(TextTable table, TextTable? narrow, IReadOnlyList<string>? dropOrder, int width)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = width;
        BatchConsole.Terminal(console, table, narrow, dropOrder);
        return text.ToString().ReplaceLineEndings("\n");
    }

    // What run-all prints now, and what it printed before (the whole table, wrapped by Spectre to the width).
    static string Now(BatchSummary summary, int width) =>
        Render(BatchSummaries.Table(summary, References), BatchSummaries.NarrowTable(summary, References), BatchSummaries.NarrowDropOrder, width);

    static string Before(BatchSummary summary, int width) => RenderSpectre(TextTables.ToTerminal(BatchSummaries.Table(summary, References)), width);

    static string RenderSpectre(Table table, int width)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = width;
        console.Write(table);
        return text.ToString().ReplaceLineEndings("\n");
    }

    static void ShouldFitWithWholeWords(string rendered, int width, IEnumerable<string> scripts, params TextTable[] tables) =>
        TerminalWords.ShouldFitWithWholeWords(rendered, width, scripts, tables);


    [Theory]
    [MemberData(nameof(Batches))]
    public void At_80_columns_every_line_fits_and_no_word_is_split(string batch)
    {
        var summary = Named(batch);
        var table = BatchSummaries.Table(summary, References);
        var narrow = BatchSummaries.NarrowTable(summary, References);

        var rendered = Now(summary, 80);

        output.WriteLine(rendered);
        ShouldFitWithWholeWords(rendered, 80, Nine.Select(n => n.Script), table, narrow);
        var lines = rendered.TrimEnd('\n').Split('\n');
        lines.Length.Should().Be(10, "a header and one line per script: no row takes two lines");
        lines[0].Should().NotContain("train", "the narrow summary drops the training time");
    }

    [Fact]
    public void The_bordered_table_stays_where_it_fits_and_hides_empty_columns()
    {
        var summary = Named("nine");
        var rendered = Now(summary, 200);
        rendered.Should().StartWith("╭").And.Contain("key metric").And.Contain("train (s)").And.Contain("notebook", "auto_mpg's is known");
        ShouldFitWithWholeWords(rendered, 200, Nine.Select(n => n.Script), BatchSummaries.Table(summary, References));

        var noNotebook = Render(BatchSummaries.Table(summary, new Dictionary<string, ScriptReference>()), null, null, 200);
        noNotebook.Should().StartWith("╭").And.NotContain("notebook", "a column empty for every row goes");
        var narrow = Now(summary with { Scripts = summary.Scripts.Where(s => s.Script != "auto_mpg").ToList() }, 80);
        narrow.Split('\n')[0].Should().StartWith("script").And.NotContain("notebook", "in the narrow lines too");
    }

    [Fact]
    public void Line_counts_before_and_after_at_80_columns()
    {
        // Not a check of a number: it prints the measurement for the record (the assertions are the other tests').
        foreach (var name in new[] { "nine", "sweep" })
        {
            var summary = Named(name);
            output.WriteLine($"{name}: before {Before(summary, 80).TrimEnd('\n').Split('\n').Length} lines, now {Now(summary, 80).TrimEnd('\n').Split('\n').Length} lines");
        }
        Before(Named("nine"), 80).Split('\n').Length.Should().BeGreaterThan(Now(Named("nine"), 80).Split('\n').Length);
    }

    [Fact]
    public void The_closing_lines_break_at_the_headlines_separators_else_between_words()
    {
        var headline = "Started 2026-12-07 04:51:25 · 9 scripts (--quick) · runner csx · wall 52.4 s · 9 ok, 0 failed";
        BatchConsole.Fit(headline, 80).Should().Equal(
            "Started 2026-12-07 04:51:25 · 9 scripts (--quick) · runner csx · wall 52.4 s",
            "    9 ok, 0 failed");
        BatchConsole.Fit(headline, 200).Should().Equal(headline);

        var open = "Open /tmp/ch13-csx-test-scripts-NE0Goz/sweep/report.html (summary: summary.md, summary.json).";
        var lines = BatchConsole.Fit(open, 80);
        lines.Should().AllSatisfy(l => l.Length.Should().BeLessThanOrEqualTo(80));
        string.Join(" ", lines.Select(l => l.Trim())).Should().Be(open, "only spaces became line breaks");

        var path = "/tmp/" + new string('x', 90) + "/report.html";
        BatchConsole.Fit($"Open {path} (summary: summary.md).", 80).Should().Equal("Open", "    " + path, "    (summary: summary.md).");
    }

    [Fact]
    public void A_last_column_too_wide_for_the_line_wraps_between_words_under_its_header()
    {
        var table = TextTable.Of([new("script"), new("what it shows")],
            [["sequential", "a model built from nn.Sequential layers, trained with SGD on a noisy two-moons problem"], ["xor", "short"]]);

        var text = TextTables.ToFittedText(table, 40, []);

        text.Should().Be(
            "script      what it shows\n" +
            "sequential  a model built from\n" +
            "            nn.Sequential layers,\n" +
            "            trained with SGD on a noisy\n" +
            "            two-moons problem\n" +
            "xor         short\n");
        TextTables.WrapWords("abcdefghijkl xy", 6).Should().Equal("abcde…", "xy");
    }
}
