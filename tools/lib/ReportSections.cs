#nullable enable
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

/// <summary>One script's section of report.html: what it shows, status and timings, the notebook's numbers, plots, models, results, config, environment.</summary>
public static class ReportSections
{
    /// <summary>Indented JSON that keeps non-ASCII text readable (≥, ·) for display in a page.</summary>
    public static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Section(string runDir, ScriptResult result, ScriptFolder folder, ScriptReference? reference, ChapterManifest? chapter)
    {
        var record = folder.Record;
        var html = new StringBuilder($"<section id=\"{Anchor(result.Script)}\">\n");
        var heading = chapter?.Find(result.Script)?.Section ?? reference?.Section;
        html.Append($"<h2>{Html.Encode(result.Script)}{(heading is null ? "" : $" <small>{Html.Encode(heading)}</small>")}</h2>\n");
        html.Append($"<p class=\"what\">{Html.Encode(Description(folder, chapter))}</p>\n");
        html.Append($"<p>{StatusHtml(result)}{(result.Note is null ? "" : $" <span class=\"muted\">({Html.Encode(result.Note)})</span>")}");
        if (result.KeyMetric is { } key)
            html.Append($" · key metric <strong>{Html.Encode(RunFolders.Label(key))} = {(key.Value is { } v ? RunFolders.Display(v) : "none")}</strong>");
        if (result.Out.Length > 0) html.Append($" · <a href=\"{Html.Url(result.Out)}\">folder</a> · <a href=\"{Html.Url(result.Log)}\">log</a>");
        html.Append("</p>\n");

        if (record is null && result.Status != ScriptResults.Skipped)
        {
            html.Append("<p class=\"bad\">No run record (metrics.json): the script did not finish. The end of its log:</p>\n");
            html.Append($"<pre>{Html.Encode(LogTail(Path.Combine(runDir, result.Log), 30))}</pre>\n");
        }
        else if (record is not null)
        {
            html.Append(Html.Cards(TextTable.Of(
                [new("seed"), new("epochs"), new("quick"), new("arguments"), TextColumn.Number("train (s)"), TextColumn.Number("wall in script (s)"),
                 TextColumn.Number("wall with start-up (s)"), new("started")],
                [[
                    record.Seed.ToString(CultureInfo.InvariantCulture),
                    record.Epochs.ToString(CultureInfo.InvariantCulture),
                    record.Quick ? "true" : "false",
                    new TextCell(string.Join(' ', record.Arguments), Code: true),
                    Numbers.Fixed(record.Timings.TrainSeconds, "F2"),
                    Numbers.Fixed(record.Timings.WallSeconds, "F2"),
                    Numbers.Fixed(result.WallSeconds, "F1"),
                    BatchHeadline.Timestamp(record.Timings.StartedAt),
                ]]), "timings"));
        }

        if (reference is not null) html.Append(Fidelity.SectionHtml(reference, record));

        // Drawn beside the report (the one file the report writes besides itself): see LearningRateCharts.
        var learningRate = record is null ? null : LearningRateCharts.Draw(runDir, result.Script, record);
        if (folder.Images.Count > 0 || learningRate is not null)
        {
            // Two or three to a row on a desktop, one on a phone; a constant learning rate has no chart (see LearningRateCharts).
            html.Append("<h3>Plots</h3>\n<div class=\"figures\">\n");
            foreach (var image in folder.Images)
                html.Append(Figure(result.Script + "/" + image, $"{result.Script}: {image}", image, Wide(Path.Combine(folder.Dir, image))));
            if (learningRate is not null)
                html.Append(Figure(learningRate, $"{result.Script}: learning rate by epoch", "learning rate by epoch (it changed during training)"));
            html.Append("</div>\n");
        }

        if (record is not null)
        {
            if (record.Series.Count > 0)
            {
                html.Append("<h3>Models</h3>\n");
                html.Append($"<p class=\"muted\">Each history metric's last value and, when it has a better direction, its best and the epoch it was reached "
                    + $"(early stopping and a plateau schedule make the last epoch the wrong one to read){(Epochs.FromZero(record) ? "; epochs from 0, as Lightning counts them" : "")}.</p>\n");
                html.Append(Html.Cards(SeriesTable(record), "series"));
            }
            var values = RunFolders.Values(record);
            if (values.Count > 0)
            {
                html.Append($"<details{(values.Count <= 16 ? " open" : "")}><summary>Results ({values.Count} values; per-epoch histories are in metrics.json)</summary>\n");
                html.Append(Html.Cards(TextTable.Of([new("name"), TextColumn.Number("value")],
                    values.Select(v => (IReadOnlyList<TextCell>)[v.Name, RunFolders.Display(v)])), "results"));
                html.Append("</details>\n");
            }
            if (record.Config.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                html.Append("<details><summary>Config</summary>\n");
                foreach (var (path, text) in MultilineStrings(record.Config, "config"))
                    html.Append($"<p><code>{Html.Encode(path)}</code></p><pre>{Html.Encode(text)}</pre>\n");
                html.Append($"<pre>{Html.Encode(JsonSerializer.Serialize(record.Config, Pretty))}</pre></details>\n");
            }
            var environment = JsonSerializer.SerializeToElement(record.Environment, RunRecords.Json);
            html.Append("<details><summary>Environment</summary>\n" + Html.Cards(TextTable.Of([new("name"), new("value")],
                environment.EnumerateObject().Select(p => (IReadOnlyList<TextCell>)[p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()])),
                "environment") + "</details>\n");
        }
        return html.Append("</section>\n").ToString();
    }

    /// <summary>
    /// One row per model: how its training ended, its last epoch and training time, and per history metric its last
    /// value with, for a metric that has a better direction, its best and the epoch of the best (<c>0.6287 · best 0.5256
    /// @ 11</c>). A metric no model recorded has no column; epochs as the script counts them (<see cref="Epochs"/>).
    /// </summary>
    public static TextTable SeriesTable(RunRecord record)
    {
        var columns = HistoryColumns.All.Where(c => record.Series.Any(s => s.History.Any(e => c.Read(e) is not null))).ToList();
        return TextTable.Of(
            [new("model"), new("status"), TextColumn.Number("last epoch"), TextColumn.Number("train (s)"), .. columns.Select(c => TextColumn.Number(c.Name))],
            record.Series.Select(s => (IReadOnlyList<TextCell>)
            [
                s.Name,
                new TextCell(RunStatuses.Text(s.Status), Style: s.Status is RunStatus.Completed or RunStatus.EarlyStopped ? CellStyle.Ok : CellStyle.Bad),
                s.Final is { } last ? Epochs.Text(record, last.Epoch) : "",
                record.Timings.SeriesTrainSeconds.TryGetValue(s.Name, out var seconds) ? Numbers.Fixed(seconds, "F2") : "",
                .. columns.Select(c => (TextCell)LastAndBest(record, s, c)),
            ]));
    }

    /// <summary>A metric's last value and, when it has a direction and the best came earlier, <c>best B @ E</c> (the first epoch that reached it).</summary>
    public static string LastAndBest(RunRecord record, Series series, EpochColumn column)
    {
        if (series.Final is not { } final || column.Read(final) is not { } last) return "";
        if (column.Better is not { } better || Epochs.Best(series, column) is not { } best || best.Value == last) return RunFolders.Display(last);
        return $"{RunFolders.Display(last)} · best {RunFolders.Display(best.Value)} @ {Epochs.Text(record, best.Epoch)}";
    }

    /// <summary>An image of the report in the figure grid, loaded lazily; class <c>chart</c> follows dark mode (Html's CSS); a wide one spans two grid cells on a desktop.</summary>
    public static string Figure(string src, string alt, string caption, bool wide = false) =>
        $"<figure{(wide ? " class=\"wide\"" : "")}><img class=\"chart\" src=\"{Html.Url(src)}\" alt=\"{Html.Encode(alt)}\" loading=\"lazy\"><figcaption>{Html.Encode(caption)}</figcaption></figure>\n";

    /// <summary>True for a PNG at least twice as wide as tall (history.png's loss and accuracy panels side by side), read from its header; false when it is not a PNG.</summary>
    public static bool Wide(string png)
    {
        Span<byte> header = stackalloc byte[24];
        try
        {
            using var file = File.OpenRead(png);
            if (file.ReadAtLeast(header, 24, throwOnEndOfStream: false) < 24 || header[12] != (byte)'I' || header[13] != (byte)'H') return false;
        }
        catch (IOException) { return false; }
        var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[16..]);
        var height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[20..]);
        return height > 0 && width >= 2 * height;
    }

    public static TextCell Status(ScriptResult r) =>
        new(r.Status, Style: r.Ok ? CellStyle.Ok : r.Status == ScriptResults.Skipped ? CellStyle.Muted : CellStyle.Bad);

    static string StatusHtml(ScriptResult r) => TextTables.ToHtml(Status(r));

    /// <summary>What a script demonstrates, in a sentence: its run record's description, else the manifest's, else empty.</summary>
    public static string Description(ScriptFolder folder, ChapterManifest? chapter) =>
        folder.Record?.Description is { Length: > 0 } recorded ? recorded : chapter?.Find(folder.Script)?.Description ?? "";

    /// <summary>The id of a script's section (its name, with anything but letters, digits, _ and - as '-').</summary>
    public static string Anchor(string script) => "script-" + Regex.Replace(script, "[^A-Za-z0-9_-]", "-");

    // Config strings that span lines (a model's printed structure), to show as printed rather than JSON-escaped.
    static IEnumerable<(string Path, string Text)> MultilineStrings(JsonElement node, string path)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                    foreach (var found in MultilineStrings(property.Value, $"{path}.{property.Name}")) yield return found;
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in node.EnumerateArray())
                    foreach (var found in MultilineStrings(item, $"{path}[{i++}]")) yield return found;
                break;
            case JsonValueKind.String when node.GetString() is { } text && text.Contains('\n'):
                yield return (path, text);
                break;
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of a log file (empty when missing).</summary>
    public static string LogTail(string path, int lines) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : "";
}
