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
    /// and the notebook's value for it. The console prints it; summary.md adds links and a log column.
    /// </summary>
    public static TextTable Table(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references) =>
        TextTable.Of(Columns, summary.Scripts.Select(s => (IReadOnlyList<TextCell>)
        [
            s.Script,
            new TextCell(s.Note is null || s.Ok ? s.Status : $"{s.Status} ({s.Note})", Style: s.Ok ? CellStyle.Ok : s.Status == ScriptResults.Skipped ? CellStyle.Muted : CellStyle.Bad),
            s.Status == ScriptResults.Skipped ? "" : Numbers.Fixed(s.WallSeconds, "F1"),
            s.TrainSeconds is { } train ? Numbers.Fixed(train, "F1") : "",
            s.KeyMetric is { } key ? RunFolders.Label(key) : "",
            s.KeyMetric?.Value is { } value ? Number(value) : "",
            References.ForKeyMetric(references.GetValueOrDefault(s.Script), s.KeyMetric)?.NotebookText,
        ]));

    /// <summary>summary.md: a heading line with the counts, then the table with links to each script's folder and log.</summary>
    public static string Markdown(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var table = Table(summary, references);
        var linked = table with
        {
            Columns = [.. table.Columns, new TextColumn("log")],
            Rows = summary.Scripts.Zip(table.Rows, (result, row) => (IReadOnlyList<TextCell>)
            [
                row[0] with { Link = result.Out.Length > 0 ? result.Out : null },
                row[1] with { Text = (result.Ok ? "✅ " : result.Status == ScriptResults.Skipped ? "⏭ " : "❌ ") + row[1].Text },
                .. row.Skip(2),
                new TextCell(result.Log, Link: result.Log.Length > 0 ? result.Log : null),
            ]).ToList(),
        };
        var text = new StringBuilder($"# ch13 run `{summary.Name}`\n\n");
        text.Append(BatchHeadline.Of(summary)).Append("\n\n");
        text.Append(TextTables.ToMarkdown(linked, empty: "—"));
        text.Append("\nOpen `report.html` in this folder for every plot, config and the notebook's numbers.\n");
        return text.ToString();
    }

    /// <summary>A metric as tables show it: 4 decimals for small numbers, fewer for large ones, tiny ones in scientific notation (1.6e-7, not 0.0000).</summary>
    public static string Number(double value) =>
        !double.IsFinite(value) || (value != 0 && Math.Abs(value) < 1e-3) ? RunFolders.Display(value) : Numbers.Fixed(value, Math.Abs(value) >= 1000 ? "F1" : "F4");
}
