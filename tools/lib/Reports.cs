#nullable enable

/// <summary>
/// report.html for a run folder: one page that leads with the batch's outcome in large type and the fidelity tally,
/// then the fidelity table and a table of scripts linking to a section per script (what it demonstrates, key metric,
/// the notebook's numbers beside ours, every plot, each model's last and best epoch and values, config, timings,
/// environment), all read from the scripts' run records (each once) and the chapter's manifest. A seed sweep's runs
/// of one script are one group: one row and one section (<see cref="SweepSections"/>). Images are referenced by
/// relative paths, so the page opens from the file system with no server.
/// </summary>
public static class Reports
{
    /// <summary>Writes <c>report.html</c> into <paramref name="runDir"/> and returns its path.</summary>
    public static string WriteRunReport(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references, ChapterManifest? chapter = null)
    {
        var path = Path.Combine(runDir, "report.html");
        Files.WriteAllTextAtomic(path, RunReport(runDir, summary, references, chapter));
        return path;
    }

    // Timings, logs and what each script shows are in its section: the table keeps what tells scripts apart.
    static readonly TextColumn[] SummaryColumns =
    [
        new("script"), new("status"), new("key metric"), TextColumn.Number("ours"), TextColumn.Number("notebook"), new("fidelity"), TextColumn.Number("wall (s)"),
    ];

    /// <summary>The page: outcome and fidelity tally, the fidelity table, the scripts' table, then a section per script (or per sweep).</summary>
    public static string RunReport(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references, ChapterManifest? chapter = null)
    {
        chapter ??= ChapterOrder.Manifest;
        var runs = summary.Scripts.Select(s => (Result: s, Folder: FolderOf(runDir, s))).ToList(); // each record read once
        var groups = runs.GroupBy(r => r.Result.Script).Select(g => g.ToList()).ToList();
        // The notebook's settings are one run's: a sweep's seeds are summarised, not checked against it.
        var single = groups.Where(g => g.Count == 1 && g[0].Result.Seed is null).Select(g => g[0]).ToList();
        var fidelity = Fidelity.Of(single.Select(r => r.Folder).ToList(), summary with { Scripts = single.Select(r => r.Result).ToList() }, references);

        var body = new StringBuilder();
        body.Append($"<h1>ch13 run <code>{Html.Encode(summary.Name)}</code></h1>\n");
        body.Append(Outcome(summary, groups.Count));
        if (Fidelity.Tally(fidelity) is { } tally)
            body.Append($"<p class=\"tally\"><a href=\"#fidelity\">{Html.Encode(tally)}</a></p>\n");
        body.Append($"<p class=\"muted\">{Html.Encode(BatchHeadline.Of(summary).Replace("**", "").Replace("`", ""))}</p>\n");
        if (fidelity.Count > 0)
        {
            body.Append("<h2 id=\"fidelity\">Against the notebook</h2>\n");
            if (fidelity.Any(f => f.Quick))
                body.Append($"<p class=\"quick\"><strong>--quick run: {Html.Encode(Fidelity.QuickNote)}.</strong> Run <code>./run-all</code> without --quick to check fidelity.</p>\n");
            body.Append("<p class=\"muted\">Per script, its values beside the same quantities the PyTorch notebook printed (<code>reference/notebook.json</code>): identical at the printed precision, "
                + $"equal to float32 rounding (within {References.CloseRelative:G2} relative), different as the project documents (expected, with the reason), or different. Each script's section lists them all.</p>\n");
            body.Append(Html.Cards(Fidelity.Table(fidelity, references, script => "#" + ReportSections.Anchor(script)), "fidelity-summary"));
        }
        body.Append("<h2 id=\"scripts\">Scripts</h2>\n");
        body.Append("<p class=\"muted\">Each section below is one script of <em>Chapter 13: Going Deeper – The Mechanics of PyTorch</em>, run by <code>./run-all</code>. "
            + "The notebook column holds the notebook's number for the same quantity as the key metric, or says it printed none.</p>\n");
        body.Append(Html.Cards(TextTable.Of(SummaryColumns, groups.Select(g => g.Count == 1 && g[0].Result.Seed is null
            ? Row(g[0].Result, g[0].Folder, fidelity.FirstOrDefault(x => x.Script == g[0].Result.Script), references)
            : SweepSections.Row(g.Select(r => r.Result).ToList()))), "summary"));

        foreach (var group in groups)
            body.Append(group.Count == 1 && group[0].Result.Seed is null
                ? ReportSections.Section(runDir, group[0].Result, group[0].Folder, references.GetValueOrDefault(group[0].Result.Script), chapter)
                : SweepSections.Section(runDir, group, chapter));
        return Html.Page($"ch13 run {summary.Name}", body.ToString());
    }

    /// <summary>A script's run folder: as the batch read it, else its seed's folder in a sweep, else its own.</summary>
    public static ScriptFolder FolderOf(string runDir, ScriptResult result) =>
        result.Folder ?? (result.Seed is int seed
            ? RunFolders.Read(Path.Combine(runDir, result.Script, SeedFolders.Name(seed)), result.Script) with { Seed = seed }
            : ScriptResults.FolderOf(runDir, result));

    /// <summary>The batch's outcome in large type: <c>9 ok / 0 failed</c> (runs, with the scripts and seeds of a sweep), and the others when any.</summary>
    static string Outcome(BatchSummary summary, int scripts)
    {
        var ok = summary.Scripts.Count(s => s.Ok);
        var skipped = summary.Scripts.Count(s => s.Status == ScriptResults.Skipped);
        var failed = summary.Scripts.Count - ok - skipped;
        var sweep = summary.Scripts.Count > scripts ? $" <small>({summary.Scripts.Count} runs of {scripts} scripts)</small>" : "";
        return $"<p class=\"outcome\"><span class=\"{(failed > 0 ? "bad" : "ok")}\">{ok} ok</span> / <span class=\"{(failed > 0 ? "bad" : "muted")}\">{failed} failed</span>"
            + $"{(skipped > 0 ? $" / <span class=\"muted\">{skipped} not run</span>" : "")}{sweep}</p>\n";
    }

    // A single run's row: the notebook's number only for the same quantity as the key metric.
    static IReadOnlyList<TextCell> Row(ScriptResult s, ScriptFolder folder, ScriptFidelity? f, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var reference = references.GetValueOrDefault(s.Script);
        var notebook = Fidelity.NotebookFor(reference, s.KeyMetric, folder.Record);
        return
        [
            new TextCell(s.Script, Link: "#" + ReportSections.Anchor(s.Script)),
            ReportSections.Status(s),
            s.KeyMetric is { } key ? RunFolders.Label(key) : "",
            s.KeyMetric?.Value is { } value ? RunFolders.Display(value) : "",
            notebook is not null ? new TextCell(notebook, Code: true)
                : reference is not null && s.KeyMetric is { } k ? new TextCell($"no {k.Name} printed", Style: CellStyle.Muted) : "",
            f is null ? new TextCell("no notebook figures", Style: CellStyle.Muted) : new TextCell(f.Quick ? $"{f.Counts} (quick: not comparable)" : f.Counts, Style: f.Style),
            s.Status == ScriptResults.Skipped ? "" : Numbers.Fixed(s.WallSeconds, "F1"),
        ];
    }
}
