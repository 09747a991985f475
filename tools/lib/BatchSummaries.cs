#nullable enable
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>A batch's summary files: summary.json (the <see cref="BatchSummary"/>) and summary.md (its table, linked), and the table the console prints.</summary>
public static class BatchSummaries
{
    /// <summary>summary.json's format: metrics.json's (snake_case), with readable non-ASCII and '+', and nulls written (a skipped script has no exit code).</summary>
    public static readonly JsonSerializerOptions Json = new(RunRecords.Json)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes summary.json and summary.md into the run folder (atomically).</summary>
    public static void Write(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        Files.WriteAllTextAtomic(Path.Combine(runDir, "summary.json"), JsonSerializer.Serialize(summary, Json) + "\n");
        Files.WriteAllTextAtomic(Path.Combine(runDir, "summary.md"), Markdown(summary, references) + Fidelity.Markdown(runDir, summary, references));
    }

    static readonly TextColumn[] Columns =
    [
        new("script"), new("status"), TextColumn.Number("wall (s)"), TextColumn.Number("train (s)"), new("key metric"),
        TextColumn.Number("value"), TextColumn.Number("notebook"),
    ];

    /// <summary>
    /// The summary table, one row per script: status (marked ok, muted when skipped, bad otherwise), times, key metric
    /// and the notebook's value for it. A sweep's seeds are one row: how many runs ended ok, mean times, and the key
    /// metric's mean ± sample standard deviation over the seeds (n). The console prints it; summary.md adds links and a log column.
    /// </summary>
    public static TextTable Table(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references) =>
        TextTable.Of(Columns, BatchGroups.Of(summary.Scripts).Select(g => g.IsSweep ? SweepRow(g, references) : Row(g.Results[0], references)));

    static IReadOnlyList<TextCell> Row(ScriptResult s, IReadOnlyDictionary<string, ScriptReference> references) =>
    [
        s.Script,
        new TextCell(s.Note is null || s.Ok ? s.Status : $"{s.Status} ({s.Note})", Style: s.Ok ? CellStyle.Ok : s.Status == ScriptResults.Skipped ? CellStyle.Muted : CellStyle.Bad),
        s.Status == ScriptResults.Skipped ? "" : Numbers.Fixed(s.WallSeconds, "F1"),
        s.TrainSeconds is { } train ? Numbers.Fixed(train, "F1") : "",
        s.KeyMetric is { } key ? RunFolders.Label(key) : "",
        s.KeyMetric?.Value is { } value ? Number(value) : "",
        References.ForKeyMetric(references.GetValueOrDefault(s.Script), s.KeyMetric)?.NotebookText,
    ];

    static IReadOnlyList<TextCell> SweepRow(ResultGroup g, IReadOnlyDictionary<string, ScriptReference> references) =>
    [
        g.Script,
        new TextCell(BatchGroups.Status(g), Style: BatchGroups.Style(g)),
        BatchGroups.Mean(g.Results.Where(r => r.Status != ScriptResults.Skipped).Select(r => (double?)r.WallSeconds)) is { } wall ? Numbers.Fixed(wall, "F1") : "",
        BatchGroups.Mean(g.Results.Select(r => r.TrainSeconds)) is { } train ? Numbers.Fixed(train, "F1") : "",
        g.Key is { } key ? RunFolders.Label(key) : "",
        g.Spread is { } spread ? BatchGroups.Describe(spread) : "",
        References.ForKeyMetric(references.GetValueOrDefault(g.Script), g.Key)?.NotebookText,
    ];

    static readonly TextColumn[] NarrowColumns = [new("script"), new("status"), TextColumn.Number("wall (s)"), new("key metric"), new("notebook")];

    /// <summary>
    /// The summary for a narrow terminal: status without the failure's cause (the closing lines give it), the key
    /// metric and its value in one cell (<c>valid_acc 0.9450 ± 0.0120 (n=3)</c>), no training time. The columns a
    /// narrow terminal drops first come last: notebook, then wall (see <see cref="NarrowDropOrder"/>).
    /// </summary>
    public static TextTable NarrowTable(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references) =>
        TextTable.Of(NarrowColumns, Table(summary, references).Rows.Zip(BatchGroups.Of(summary.Scripts), (row, g) => (IReadOnlyList<TextCell>)
        [
            row[0],
            row[1] with { Text = BatchGroups.Status(g) },
            row[2],
            string.Join(" ", new[] { row[4].Text, row[5].Text }.Where(t => t.Length > 0)),
            row[6],
        ]));

    /// <summary>The narrow table's columns a terminal drops, in this order, until the lines fit: notebook, wall.</summary>
    public static readonly IReadOnlyList<string> NarrowDropOrder = ["notebook", "wall (s)"];

    /// <summary>
    /// summary.md: a heading line with the counts, then the table with links to each script's folder and log; a sweep
    /// adds a table of its runs, one row per script and seed, each linked to its seed folder and log.
    /// </summary>
    public static string Markdown(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var table = Table(summary, references);
        var linked = table with
        {
            Columns = [.. table.Columns, new TextColumn("log")],
            Rows = BatchGroups.Of(summary.Scripts).Zip(table.Rows, (group, row) => (IReadOnlyList<TextCell>)
            [
                row[0] with { Link = group.IsSweep ? group.Script + "/" : group.Results[0].Out is { Length: > 0 } o ? o : null },
                row[1] with { Text = Mark(BatchGroups.Style(group)) + row[1].Text },
                .. row.Skip(2),
                group.IsSweep ? new TextCell($"{group.Script}/seed-N.log", Link: group.Script + "/")
                    : new TextCell(group.Results[0].Log, Link: group.Results[0].Log.Length > 0 ? group.Results[0].Log : null),
            ]).ToList(),
        };
        var text = new StringBuilder($"# ch13 run `{summary.Name}`\n\n");
        text.Append(BatchHeadline.Of(summary)).Append("\n\n");
        text.Append(TextTables.ToMarkdown(linked, empty: "—"));
        if (summary.Scripts.Any(s => s.Seed is not null))
        {
            text.Append("\n## Runs, by seed\n\n");
            text.Append(TextTables.ToMarkdown(TextTable.Of([new("script"), TextColumn.Number("seed"), .. Columns.Skip(1).SkipLast(1), new TextColumn("log")],
                summary.Scripts.Select(r => (IReadOnlyList<TextCell>)
                [
                    new TextCell(r.Script, Link: r.Out.Length > 0 ? r.Out : null),
                    r.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    .. Row(r, references).Skip(1).SkipLast(1).Select((cell, i) => i == 0 ? cell with { Text = Mark(r.Ok ? CellStyle.Ok : r.Status == ScriptResults.Skipped ? CellStyle.Muted : CellStyle.Bad) + cell.Text } : cell),
                    new TextCell(r.Log, Link: r.Log.Length > 0 ? r.Log : null),
                ])), empty: "—"));
        }
        text.Append("\nOpen `report.html` in this folder for every plot, config and the notebook's numbers.\n");
        return text.ToString();
    }

    static string Mark(CellStyle style) => style == CellStyle.Ok ? "✅ " : style == CellStyle.Muted ? "⏭ " : "❌ ";

    /// <summary>A metric as tables show it: 4 decimals for small numbers, fewer for large ones, tiny ones in scientific notation (1.6e-7, not 0.0000).</summary>
    public static string Number(double value) =>
        !double.IsFinite(value) || (value != 0 && Math.Abs(value) < 1e-3) ? RunFolders.Display(value) : Numbers.Fixed(value, Math.Abs(value) >= 1000 ? "F1" : "F4");
}
