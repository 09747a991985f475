#nullable enable

/// <summary>A script's fidelity to the notebook: its rows and how many agree.</summary>
public sealed record ScriptFidelity(string Script, IReadOnlyList<FidelityRow> Rows, bool Quick)
{
    public int Identical => Rows.Count(r => r.Agreement == Agreement.Equal);
    public int Close => Rows.Count(r => r.Agreement == Agreement.Close);
    public int Differ => Rows.Count(r => r.Agreement == Agreement.Differs);
    public int Missing => Rows.Count(r => r.Agreement is null);

    /// <summary><c>12 identical, 2 ≈ float32, 0 differ</c> (and how many the run did not record); a quick run says it is not comparable.</summary>
    public string Counts => $"{Identical} identical, {Close} ≈ float32, {Differ} differ{(Missing > 0 ? $", {Missing} not recorded" : "")}";

    public CellStyle Style => Quick ? CellStyle.Muted : Differ > 0 ? CellStyle.Bad : Missing > 0 || Rows.Count == 0 ? CellStyle.Plain : CellStyle.Ok;
}

/// <summary>
/// A run against the PyTorch notebook (reference/notebook.json): per script, how many of its values agree, whether the
/// run is comparable (a quick run is not), its headline value beside the notebook's; summary.md's section and
/// report.html's first table and per-script "Notebook" part.
/// </summary>
public static class Fidelity
{
    /// <summary>The note a quick run's fidelity carries: its settings are not the notebook's.</summary>
    public const string QuickNote = "quick settings — not comparable with the notebook";

    /// <summary>Every script of the run that has notebook figures, in run order, with its rows against the notebook.</summary>
    public static IReadOnlyList<ScriptFidelity> Of(IReadOnlyList<ScriptFolder> folders, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references) =>
        summary.Scripts.Zip(folders).Where(p => references.ContainsKey(p.First.Script)).Select(p =>
        {
            var record = p.Second.Record;
            return new ScriptFidelity(p.First.Script, References.Rows(references[p.First.Script], record), record?.Quick ?? summary.Quick);
        }).ToList();

    /// <summary>The notebook's number beside a script's key metric: the key metric's own, else the reference's headline value (with its label).</summary>
    public static string? NotebookFor(ScriptReference? reference, KeyMetric? key)
    {
        if (References.ForKeyMetric(reference, key) is { } exact) return exact.NotebookText;
        return References.Headline(reference) is { } headline ? $"{headline.NotebookText} ({headline.Label})" : null;
    }

    static readonly TextColumn[] FidelityColumns = [new("script"), new("against the notebook"), new("settings"), new("headline value"), TextColumn.Number("notebook"), TextColumn.Number("ours")];

    /// <summary>The report's first table: per script with notebook figures, how many of its values agree, whether the run is comparable, and its headline value beside the notebook's.</summary>
    public static TextTable Table(IReadOnlyList<ScriptFidelity> fidelity, IReadOnlyDictionary<string, ScriptReference> references, Func<string, string?>? link = null) =>
        TextTable.Of(FidelityColumns, fidelity.Select(f =>
        {
            // The reference's headline value; when this run did not record it (a quick run stops before the
            // notebook's last printed epoch), the last value it did record, so the row always compares two numbers.
            var headline = References.Headline(references[f.Script]);
            var row = headline is null ? null : f.Rows.FirstOrDefault(r => r.Label == headline.Label);
            if (row?.Ours is null && f.Rows.LastOrDefault(r => r.Ours is not null && !r.Ours.StartsWith('[')) is { } recorded)
                (row, headline) = (recorded, references[f.Script].Values.First(v => v.Label == recorded.Label));
            return (IReadOnlyList<TextCell>)
            [
                new TextCell(f.Script, Link: link?.Invoke(f.Script)),
                new TextCell(f.Counts, Style: f.Style),
                new TextCell(f.Quick ? QuickNote : "the notebook's", Style: f.Quick ? CellStyle.Bad : CellStyle.Plain),
                headline?.Label ?? "",
                headline is null ? "" : new TextCell(headline.NotebookText, Code: true),
                row?.Ours is { } ours ? new TextCell(ours, Code: true, Style: f.Quick ? CellStyle.Muted : row.Agreement is Agreement.Differs ? CellStyle.Bad : CellStyle.Ok) : "not recorded",
            ];
        }));

    /// <summary>summary.md's fidelity section: the same table as report.html's first one.</summary>
    public static string Markdown(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var fidelity = Of(summary.Scripts.Select(s => ScriptResults.FolderOf(runDir, s)).ToList(), summary, references);
        if (fidelity.Count == 0) return "";
        var text = new StringBuilder("\n## Against the notebook\n\n");
        if (fidelity.Any(f => f.Quick)) text.Append($"**--quick run: {QuickNote}.**\n\n");
        return text.Append(TextTables.ToMarkdown(Table(fidelity, references), empty: "—")).ToString();
    }

    /// <summary>The notebook's printed values beside ours (as References resolves them in <paramref name="record"/>).</summary>
    public static string SectionHtml(ScriptReference reference, RunRecord? record) =>
        SectionHtml(reference, References.Rows(reference, record), record?.Quick ?? false);

    /// <summary>The notebook's printed values beside ours, marked when equal at the printed precision; a quick run is flagged as not comparable.</summary>
    public static string SectionHtml(ScriptReference reference, IReadOnlyList<FidelityRow> rows, bool quick)
    {
        int Count(Agreement a) => rows.Count(r => r.Agreement == a);
        var missing = rows.Count(r => r.Agreement is null);
        var html = new StringBuilder($"<h3>Notebook</h3>\n<p class=\"muted\">{Html.Encode(reference.Section)}. Of {rows.Count} printed values: "
            + $"{Count(Agreement.Equal)} equal as printed (=), {Count(Agreement.Close)} equal to float32 rounding (≈, within {References.CloseRelative:G2} relative), "
            + $"{Count(Agreement.Differs)} differ (≠){(missing > 0 ? $", {missing} not recorded by the script" : "")}.");
        if (quick) html.Append($"</p>\n<p class=\"quick\"><strong>--quick run: {Html.Encode(QuickNote)}</strong>; differences are expected.");
        if (reference.Note is not null) html.Append(' ').Append(Html.Encode(reference.Note));
        html.Append("</p>\n");
        html.Append(Html.Table(TextTable.Of([new("value"), new("notebook"), new("ours"), TextColumn.Number("|Δ|"), new("")], rows.Select(r => (IReadOnlyList<TextCell>)
        [
            r.Label,
            new TextCell(r.Notebook, Code: true),
            r.Ours is null ? new TextCell("not recorded", Style: CellStyle.Muted) : new TextCell(r.Ours, Code: true),
            r.Delta is { } d ? RunFolders.Display(d, significant: true) : "",
            r.Agreement switch
            {
                Agreement.Equal => new TextCell("=", Style: CellStyle.Ok),
                Agreement.Close => new TextCell("≈", Style: CellStyle.Ok),
                Agreement.Differs => new TextCell("≠", Style: CellStyle.Bad),
                _ => "",
            },
        ])), "fidelity"));
        return html.ToString();
    }
}
