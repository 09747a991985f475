#nullable enable

/// <summary>
/// report.html for a run folder: one page, a summary table at the top linking to a section per script (what it
/// demonstrates, key metric, the notebook's numbers beside ours, every plot, each model's final epoch and values,
/// config, timings, environment), all read from the scripts' run records (each once) and the chapter's manifest.
/// Images are referenced by relative paths, so the page opens from the file system with no server.
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

    static readonly TextColumn[] SummaryColumns =
    [
        new("script"), new("status"), new("key metric"), TextColumn.Number("ours"), TextColumn.Number("notebook"), new("fidelity"),
        TextColumn.Number("wall (s)"), TextColumn.Number("train (s)"), new("log"), new("what it shows"),
    ];

    /// <summary>The page: the batch's headline, the fidelity table, the scripts' table, then a section per script.</summary>
    public static string RunReport(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references, ChapterManifest? chapter = null)
    {
        chapter ??= ChapterOrder.Manifest;
        var read = summary.Scripts.Select(s => ScriptResults.FolderOf(runDir, s)).ToList(); // each record read once
        var folders = summary.Scripts.Zip(read).ToDictionary(p => p.First.Script, p => p.Second);
        var fidelity = Fidelity.Of(read, summary, references);
        var body = new StringBuilder();
        body.Append($"<h1>ch13 run <code>{Html.Encode(summary.Name)}</code></h1>\n");
        body.Append($"<p class=\"muted\">{Html.Encode(BatchHeadline.Of(summary).Replace("**", "").Replace("`", ""))}</p>\n");
        if (fidelity.Count > 0)
        {
            body.Append("<h2 id=\"fidelity\">Against the notebook</h2>\n");
            if (fidelity.Any(f => f.Quick))
                body.Append($"<p class=\"quick\"><strong>--quick run: {Html.Encode(Fidelity.QuickNote)}.</strong> Run <code>./run-all</code> without --quick to check fidelity.</p>\n");
            body.Append("<p class=\"muted\">Per script, its values beside what the PyTorch notebook printed (<code>reference/notebook.json</code>): identical at the printed precision, "
                + $"equal to float32 rounding (within {References.CloseRelative:G2} relative), or different. Each script's section lists them all.</p>\n");
            body.Append(Html.Table(Fidelity.Table(fidelity, references, script => "#" + ReportSections.Anchor(script)), "fidelity-summary"));
        }
        body.Append("<h2 id=\"scripts\">Scripts</h2>\n");
        body.Append("<p class=\"muted\">Each section below is one script of <em>Chapter 13: Going Deeper – The Mechanics of PyTorch</em>, run by <code>./run-all</code>.</p>\n");
        body.Append(Html.Table(TextTable.Of(SummaryColumns, summary.Scripts.Select(s =>
        {
            var f = fidelity.FirstOrDefault(x => x.Script == s.Script);
            return (IReadOnlyList<TextCell>)
            [
                new TextCell(s.Script, Link: "#" + ReportSections.Anchor(s.Script)),
                ReportSections.Status(s),
                s.KeyMetric is { } key ? RunFolders.Label(key) : "",
                s.KeyMetric?.Value is { } value ? RunFolders.Display(value) : "",
                Fidelity.NotebookFor(references.GetValueOrDefault(s.Script), s.KeyMetric),
                f is null ? new TextCell("no notebook figures", Style: CellStyle.Muted) : new TextCell(f.Quick ? $"{f.Counts} ({Fidelity.QuickNote})" : f.Counts, Style: f.Style),
                s.Status == ScriptResults.Skipped ? "" : ReportSections.F1(s.WallSeconds),
                s.TrainSeconds is { } t ? ReportSections.F1(t) : "",
                new TextCell(s.Log, Link: s.Log.Length == 0 ? null : Html.Url(s.Log)),
                ReportSections.Description(folders[s.Script], chapter),
            ];
        })), "summary"));

        foreach (var result in summary.Scripts)
            body.Append(ReportSections.Section(runDir, result, folders[result.Script], references.GetValueOrDefault(result.Script), chapter));
        return Html.Page($"ch13 run {summary.Name}", body.ToString());
    }
}
