#nullable enable
using Spectre.Console;

/// <summary>
/// What run-all shows while a batch runs: on a terminal a live table (one row per script, the running one with its last
/// output line); in logs and pipes plain lines (one when a script starts and ends, one every 30 s while it runs).
/// </summary>
public static class BatchConsole
{
    /// <summary>Runs <paramref name="run"/> under a live table fed by the events it reports; returns what it returns.</summary>
    public static BatchSummary Live(IReadOnlyList<string> scripts, Func<Action<BatchEvent>, BatchSummary> run)
    {
        var rows = scripts.Select(s => (Status: new TextCell("waiting"), Time: "", Detail: "")).ToArray();
        return AnsiConsole.Live(LiveTable(scripts, rows)).AutoClear(true).Start(context => run(e =>
        {
            rows[e.Index] = e switch
            {
                ScriptWaiting w => (new TextCell("pending"), "", Shorten(w.State, 70)),
                ScriptStarted => (new TextCell("running", Style: CellStyle.Highlight), "0 s", ""),
                ScriptRunning r => (new TextCell("running", Style: CellStyle.Highlight), $"{Numbers.Fixed(r.Seconds, "F0")} s", Shorten(r.LastLine ?? "", 70)),
                ScriptFinished f => (new TextCell(f.Result.Status, Style: f.Result.Ok ? CellStyle.Ok : CellStyle.Bad),
                                     $"{Numbers.Fixed(f.Result.WallSeconds, "F1")} s",
                                     f.Result.KeyMetric is { Value: { } value } k ? $"{RunFolders.Label(k)} {BatchSummaries.Number(value)}" : f.Result.Note ?? ""),
                _ => rows[e.Index],
            };
            context.UpdateTarget(LiveTable(scripts, rows));
        }));
    }

    static Table LiveTable(IReadOnlyList<string> scripts, (TextCell Status, string Time, string Detail)[] rows) =>
        TextTables.ToTerminal(TextTable.Of([new("#"), new("script"), new("status"), new("time"), new("")],
            scripts.Select((script, i) => (IReadOnlyList<TextCell>)[$"{i + 1}/{scripts.Count}", script, rows[i].Status, rows[i].Time, rows[i].Detail])));

    /// <summary>Plain lines for logs and pipes: one when a script starts and ends, one every 30 s while it runs.</summary>
    public static Action<BatchEvent> Plain(string runDir)
    {
        var lastPrinted = 0.0;
        return e =>
        {
            var prefix = $"[{e.Index + 1}/{e.Count}] {e.Script}";
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

    /// <summary>The summary table at the end of a batch: a Spectre table on a terminal, aligned text otherwise.</summary>
    public static void WriteTable(TextTable table, bool live)
    {
        if (live) AnsiConsole.Write(TextTables.ToTerminal(table));
        else Out.Write(TextTables.ToText(table));
    }

    /// <summary>A path relative to the current folder when it is under it, else as given.</summary>
    public static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }
}
