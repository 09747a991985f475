#nullable enable

/// <summary>A script's fidelity to the notebook: its rows and how many agree.</summary>
public sealed record ScriptFidelity(string Script, IReadOnlyList<FidelityRow> Rows, bool Quick)
{
    public int Identical => Rows.Count(r => r.Agreement == Agreement.Equal);
    public int Close => Rows.Count(r => r.Agreement == Agreement.Close);
    public int Differ => Rows.Count(r => r.Agreement == Agreement.Differs);
    public int Expected => Rows.Count(r => r.Agreement == Agreement.Expected);
    public int Missing => Rows.Count(r => r.Agreement is null);

    /// <summary><c>12 identical, 2 ≈ float32, 0 differ</c> (with the expected differences and how many the run did not record, when any).</summary>
    public string Counts => $"{Identical} identical, {Close} ≈ float32, {(Expected > 0 ? $"{Expected} expected, " : "")}{Differ} differ{(Missing > 0 ? $", {Missing} not recorded" : "")}";

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

    /// <summary>
    /// The batch's fidelity in one line, <c>fidelity: 40 match · 6 expected · 0 differ</c> (match: identical or within
    /// float32 rounding; and how many the runs did not record), over the scripts whose settings are the notebook's.
    /// Null when no script has notebook figures; a line saying so when every one ran with quick settings.
    /// </summary>
    public static string? Tally(IReadOnlyList<ScriptFidelity> fidelity)
    {
        if (fidelity.Count == 0) return null;
        var full = fidelity.Where(f => !f.Quick).ToList();
        if (full.Count == 0) return $"fidelity: not checked ({QuickNote})";
        var (match, expected, differ, missing) = (full.Sum(f => f.Identical + f.Close), full.Sum(f => f.Expected), full.Sum(f => f.Differ), full.Sum(f => f.Missing));
        return $"fidelity: {match} match · {expected} expected · {differ} differ{(missing > 0 ? $" · {missing} not recorded" : "")}"
            + (full.Count < fidelity.Count ? $" ({fidelity.Count - full.Count} quick script(s) not checked)" : "");
    }

    /// <summary>
    /// The notebook's number for the same quantity as a script's key metric, like for like: the series' value of that
    /// name, or its history metric at the epoch the run ended on (the key metric's epoch); null when the notebook printed no such number.
    /// </summary>
    public static string? NotebookFor(ScriptReference? reference, KeyMetric? key, RunRecord? record = null)
    {
        if (References.ForKeyMetric(reference, key) is { } exact) return exact.NotebookText;
        if (reference is null || key is null || record?.SeriesNamed(key.Series ?? "") is not { Final: { } last }) return null;
        return reference.Values.FirstOrDefault(v => v.IsHistory && v.Series == key.Series && v.Name == key.Name && v.Epoch == last.Epoch && v.Notebook.Count == 1)?.NotebookText;
    }

    static readonly TextColumn[] FidelityColumns = [new("script"), new("against the notebook"), new("headline value"), TextColumn.Number("notebook"), TextColumn.Number("ours")];

    /// <summary>The report's first table: per script with notebook figures, how many of its values agree, whether the run is comparable, and its headline value beside the notebook's.</summary>
    public static TextTable Table(IReadOnlyList<ScriptFidelity> fidelity, IReadOnlyDictionary<string, ScriptReference> references, Func<string, string?>? link = null) =>
        TextTable.Of(FidelityColumns, fidelity.Select(f =>
        {
            // The reference's headline value (a single number, else its last value: autograd's only one is a tensor);
            // when this run did not record it (a quick run stops before the notebook's last printed epoch), the last
            // value it did record, so the row always compares the same quantity on both sides.
            var values = references[f.Script].Values;
            var headline = References.Headline(references[f.Script]) ?? values.LastOrDefault();
            var row = headline is null ? null : f.Rows.FirstOrDefault(r => r.Label == headline.Label);
            if (row?.Ours is null && f.Rows.LastOrDefault(r => r.Ours is not null) is { } recorded)
                (row, headline) = (recorded, values.First(v => v.Label == recorded.Label));
            return (IReadOnlyList<TextCell>)
            [
                new TextCell(f.Script, Link: link?.Invoke(f.Script)),
                // A quick run's settings are not the notebook's: said once above the table and on each of its rows.
                new TextCell(f.Quick ? $"{f.Counts} (quick: not comparable)" : f.Counts, Style: f.Style),
                headline?.Label ?? "",
                headline is null ? "" : new TextCell(headline.NotebookText, Code: true),
                row?.Ours is { } ours ? new TextCell(ours, Code: true, Style: f.Quick || row.Agreement is Agreement.Expected ? CellStyle.Muted : row.Agreement is Agreement.Differs ? CellStyle.Bad : CellStyle.Ok) : "not recorded",
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
        var expected = Count(Agreement.Expected);
        var html = new StringBuilder($"<h3>Notebook</h3>\n<p class=\"muted\">{Html.Encode(reference.Section)}. Of {rows.Count} printed values: "
            + $"{Count(Agreement.Equal)} equal as printed (=), {Count(Agreement.Close)} equal to float32 rounding (≈, within {References.CloseRelative:G2} relative), "
            + $"{(expected > 0 ? $"{expected} differ as documented (expected), " : "")}{Count(Agreement.Differs)} differ (≠){(missing > 0 ? $", {missing} not recorded by the script" : "")}.");
        if (quick) html.Append($"</p>\n<p class=\"quick\"><strong>--quick run: {Html.Encode(QuickNote)}</strong>; differences are expected.");
        if (reference.Note is not null) html.Append(' ').Append(Html.Encode(reference.Note));
        html.Append("</p>\n");
        foreach (var reason in rows.Where(r => r.Agreement == Agreement.Expected).GroupBy(r => r.Reason))
            html.Append($"<p>Expected ({reason.Count()} value{(reason.Count() == 1 ? "" : "s")}): {Html.Encode(reason.Key)}.</p>\n");
        // A long list folds away (its counts are above) when it all agrees, or when a quick run makes it not comparable;
        // a full run's list with a difference or a gap stays open.
        var fold = rows.Count > 8 && (quick || rows.All(r => r.Agreement is not (null or Agreement.Differs)));
        if (fold) html.Append($"<details><summary>The {rows.Count} values</summary>\n");
        html.Append(Html.Cards(TextTable.Of([new("value"), new("notebook"), new("ours"), TextColumn.Number("|Δ|"), new("agrees")], rows.Select(r => (IReadOnlyList<TextCell>)
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
                Agreement.Expected => new TextCell("expected", Style: CellStyle.Muted),
                _ => "",
            },
        ])), "fidelity"));
        if (fold) html.Append("</details>\n");
        return html.ToString();
    }
}
