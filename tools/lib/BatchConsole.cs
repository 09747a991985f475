#nullable enable
using Spectre.Console;

/// <summary>One line of run-all's live table: status, time, what it is doing or how it ended, and its result once it has ended.</summary>
public sealed record LiveRow(TextCell Status, string Time, string Detail, ScriptResult? Result)
{
    public static readonly LiveRow Waiting = new(new TextCell("waiting"), "", "", null);
}

/// <summary>
/// What run-all shows while a batch runs: on a terminal a live table (one row per script, the running one with its last
/// output line); in logs and pipes plain lines (one when a script starts and ends, one every 30 s while it runs).
/// </summary>
public static class BatchConsole
{
    /// <summary>
    /// Runs <paramref name="run"/> under a live table fed by the events it reports; returns what it returns. A sweep's
    /// seeds share their script's row: the running seed's time and last line, then how many ended ok and the key
    /// metric's mean ± sd.
    /// </summary>
    public static BatchSummary Live(IReadOnlyList<ScriptTask> tasks, Func<Action<BatchEvent>, BatchSummary> run)
    {
        var groups = tasks.GroupBy(t => t.Script).Select(g => g.ToList()).ToList();
        var rowOf = tasks.ToDictionary(t => t.Index, t => groups.FindIndex(g => g[0].Script == t.Script));
        var states = tasks.Select(_ => LiveRow.Waiting).ToArray();
        var rows = groups.Select(g => Row(g, states)).ToArray();
        return AnsiConsole.Live(LiveTable(groups, rows)).AutoClear(true).Start(context => run(e =>
        {
            states[e.Index] = Apply(e, states[e.Index]);
            var row = rowOf[e.Index];
            rows[row] = Row(groups[row], states);
            context.UpdateTarget(LiveTable(groups, rows));
        }));
    }

    /// <summary>A task's line in the live table after <paramref name="e"/>, from its line before.</summary>
    public static LiveRow Apply(BatchEvent e, LiveRow before) => e switch
    {
        ScriptWaiting w => new LiveRow(new TextCell("pending"), "", Shorten(w.State, 70), null),
        ScriptStarted => new LiveRow(new TextCell("running", Style: CellStyle.Highlight), "0 s", "", null),
        ScriptRunning r => new LiveRow(new TextCell("running", Style: CellStyle.Highlight), $"{Numbers.Fixed(r.Seconds, "F0")} s", Shorten(r.LastLine ?? "", 70), null),
        ScriptFinished f => new LiveRow(new TextCell(f.Result.Status, Style: f.Result.Ok ? CellStyle.Ok : CellStyle.Bad),
                             $"{Numbers.Fixed(f.Result.WallSeconds, "F1")} s",
                             f.Result.KeyMetric is { Value: { } value } k ? $"{RunFolders.Label(k)} {BatchSummaries.Number(value)}" : f.Result.Note ?? "", f.Result),
        _ => before,
    };

    /// <summary>
    /// A script's row in the live table: its one task's line, or its sweep's: the running (or queued) seed's line with
    /// how many seeds have ended, then, once all have, the group's outcome (ok n/N, mean wall, key metric mean ± sd).
    /// </summary>
    public static LiveRow Row(IReadOnlyList<ScriptTask> group, IReadOnlyList<LiveRow> states)
    {
        if (group.Count == 1 && group[0].Seed is null) return states[group[0].Index];
        var mine = group.Select(t => (Task: t, State: states[t.Index])).ToList();
        var ended = mine.Where(m => m.State.Result is not null).Select(m => m.State.Result!).ToList();
        var progress = $"{ended.Count}/{group.Count} seeds";
        if (ended.Count == group.Count)
        {
            var result = new ResultGroup(group[0].Script, ended);
            return new LiveRow(new TextCell(BatchGroups.Status(result), Style: BatchGroups.Style(result)),
                BatchGroups.Mean(ended.Select(r => (double?)r.WallSeconds)) is { } wall ? $"{Numbers.Fixed(wall, "F1")} s" : "",
                result.Spread is { } spread ? $"{RunFolders.Label(result.Key!)} {BatchGroups.Describe(spread)}" : ended.FirstOrDefault(r => r.Note is not null)?.Note ?? "", null);
        }
        if (mine.LastOrDefault(m => m.State.Result is null && m.State.Status.Text == "running") is { Task: { } running, State: { } state })
            return state with { Detail = Shorten($"{progress} · seed {running.Seed}: {state.Detail}", 70) };
        if (mine.FirstOrDefault(m => m.State.Status.Text == "pending") is { State: { } queued })
            return queued with { Detail = Shorten($"{progress} · {queued.Detail}", 70) };
        return LiveRow.Waiting with { Detail = ended.Count > 0 ? progress : "" };
    }

    static Table LiveTable(IReadOnlyList<IReadOnlyList<ScriptTask>> groups, LiveRow[] rows) =>
        TextTables.ToTerminal(TextTable.Of([new("#"), new("script"), new("status"), new("time"), new("")],
            groups.Select((group, i) => (IReadOnlyList<TextCell>)[$"{i + 1}/{groups.Count}", group[0].Script, rows[i].Status, rows[i].Time, rows[i].Detail])));

    /// <summary>Plain lines for logs and pipes: one when a script starts and ends, one every 30 s while it runs.</summary>
    public static Action<BatchEvent> Plain(string runDir)
    {
        var lastPrinted = 0.0;
        return e =>
        {
            var prefix = $"[{e.Index + 1}/{e.Count}] {e.Script}{(e.Seed is { } seed ? $" seed {seed}" : "")}";
            switch (e)
            {
                case ScriptWaiting w:
                    Out.WriteLine($"{prefix}: queued · {w.State}");
                    break;
                case ScriptStarted:
                    lastPrinted = 0;
                    Out.WriteLine($"{prefix}: running");
                    break;
                case ScriptRunning r when r.Seconds - lastPrinted >= 30:
                    lastPrinted = r.Seconds;
                    Out.WriteLine($"{prefix}: still running after {Numbers.Fixed(r.Seconds, "F0")} s{(r.LastLine is null ? "" : $" · {Shorten(r.LastLine, 100)}")}");
                    break;
                case ScriptFinished f:
                    Out.WriteLine($"{prefix}: {Describe(f.Result)}{(f.Result.Ok ? "" : $"; log: {Relative(Path.Combine(runDir, f.Result.Log))}")}");
                    break;
            }
            Out.Flush();
        };
    }

    static string Describe(ScriptResult r) =>
        $"{r.Status}{(r.Ok || r.Note is null ? "" : $" ({r.Note})")} in {Numbers.Fixed(r.WallSeconds, "F1")} s"
        + (r.TrainSeconds is { } t ? $" (train {Numbers.Fixed(t, "F1")} s)" : "")
        + (r.KeyMetric is { Value: { } value } k ? $" · {RunFolders.Label(k)} {BatchSummaries.Number(value)}" : "");

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>
    /// The summary table at the end of a batch. On a terminal: a Spectre table when it fits the terminal's width
    /// (<see cref="AnsiConsole"/>'s profile: the window's width on a terminal), else aligned lines of
    /// <paramref name="narrow"/> that fit it, columns empty in every row left out (see <see cref="Terminal"/>). In logs
    /// and pipes, the whole table as aligned text, every column in its place (no width to fit, and readers may parse it).
    /// </summary>
    public static void WriteTable(TextTable table, bool live, TextTable? narrow = null, IReadOnlyList<string>? dropOrder = null)
    {
        if (live) Terminal(AnsiConsole.Console, table, narrow, dropOrder);
        else Out.Write(TextTables.ToText(table));
    }

    /// <summary>
    /// Writes the summary to <paramref name="console"/> at its width: the table with borders when its widest line fits,
    /// else <paramref name="narrow"/> (or the table) as aligned lines, dropping the columns of <paramref name="dropOrder"/>
    /// in turn and then wrapping the last column between words, so no line is wider than the terminal and no word is
    /// split across two.
    /// </summary>
    public static void Terminal(IAnsiConsole console, TextTable table, TextTable? narrow = null, IReadOnlyList<string>? dropOrder = null)
    {
        var width = console.Profile.Width;
        var full = TextTables.WithoutEmptyColumns(table);
        if (TextTables.BorderedWidth(full) <= width) { console.Write(TextTables.ToTerminal(full)); return; }
        console.Write(new Text(TextTables.ToFittedText(narrow ?? table, width, dropOrder ?? [])));
    }

    /// <summary>
    /// A closing line (the headline, a failure, where the report is): on a terminal broken between words to fit its
    /// width (continuations indented), so the terminal never splits a word; in logs and pipes as it is.
    /// </summary>
    public static void WriteLine(string text, bool live)
    {
        if (!live) { Out.WriteLine(text); return; }
        foreach (var line in Fit(text, AnsiConsole.Profile.Width)) Out.WriteLine(line);
    }

    /// <summary>
    /// <paramref name="text"/> in lines of at most <paramref name="width"/> columns, continuations indented by 4: broken
    /// at its " · " separators where it can (the headline's parts stay whole: "9 ok, 0 failed"), else between words; a
    /// word wider than a line (a long path) stays whole on a line of its own, for the terminal to wrap.
    /// </summary>
    public static IReadOnlyList<string> Fit(string text, int width)
    {
        var parts = new List<string>();
        foreach (var part in text.Split(" · "))
        {
            var room = width - (parts.Count <= 1 ? 0 : 4);
            if (parts.Count > 0 && parts[^1].Length + 3 + part.Length <= room) parts[^1] += " · " + part;
            else parts.Add(part);
        }
        var lines = new List<string>();
        foreach (var part in parts)
        {
            // The first line has the whole width; every other line, and a part too long for one, is indented by 4.
            var words = TextTables.WrapWords(part, lines.Count == 0 ? width : width - 4, shorten: false);
            var first = lines.Count == 0 ? words[0] : "    " + words[0];
            lines.Add(first);
            var rest = string.Join(" ", words.Skip(1));
            if (rest.Length > 0) lines.AddRange(TextTables.WrapWords(rest, width - 4, shorten: false).Select(w => "    " + w));
        }
        return lines;
    }

    /// <summary>A path relative to the current folder when it is under it, else as given.</summary>
    public static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }
}
