#nullable enable
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

/// <summary>
/// report.html for a run folder: one page, a summary table at the top linking to a section per script (what it
/// demonstrates, key metric, the notebook's numbers beside ours, every plot, each model's final epoch and values,
/// config, timings, environment), all read from the scripts' run records.
/// Images are referenced by relative paths, so the page opens from the file system with no server.
/// </summary>
public static class Reports
{
    /// <summary>Indented JSON that keeps non-ASCII text readable (≥, ·) for display in a page.</summary>
    public static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>report.html</c> into <paramref name="runDir"/> and returns its path.</summary>
    public static string WriteRunReport(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references, string? scriptsDir = null)
    {
        var path = Path.Combine(runDir, "report.html");
        Files.WriteAllTextAtomic(path, RunReport(runDir, summary, references, scriptsDir));
        return path;
    }

    static readonly TextColumn[] SummaryColumns =
    [
        new("script"), new("status"), new("key metric"), TextColumn.Number("ours"), TextColumn.Number("notebook"), new("fidelity"),
        TextColumn.Number("wall (s)"), TextColumn.Number("train (s)"), new("log"), new("what it shows"),
    ];

    /// <summary>The note a quick run's fidelity carries: its settings are not the notebook's.</summary>
    public const string QuickNote = "quick settings — not comparable with the notebook";

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

    /// <summary>Every script of the run that has notebook figures, in run order, with its rows against the notebook.</summary>
    public static IReadOnlyList<ScriptFidelity> FidelityOf(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references) =>
        summary.Scripts.Where(s => references.ContainsKey(s.Script)).Select(s =>
        {
            var record = RunRecords.TryRead(RunFolders.MetricsPath(Path.Combine(runDir, s.Script)));
            return new ScriptFidelity(s.Script, References.Rows(references[s.Script], record), record?.Quick ?? summary.Quick);
        }).ToList();

    /// <summary>The notebook's number beside a script's key metric: the key metric's own, else the reference's headline value (with its label).</summary>
    public static string? NotebookFor(ScriptReference? reference, KeyMetric? key)
    {
        if (References.ForKeyMetric(reference, key) is { } exact) return exact.NotebookText;
        return References.Headline(reference) is { } headline ? $"{headline.NotebookText} ({headline.Label})" : null;
    }

    static readonly TextColumn[] FidelityColumns = [new("script"), new("against the notebook"), new("settings"), new("headline value"), TextColumn.Number("notebook"), TextColumn.Number("ours")];

    /// <summary>The report's first table: per script with notebook figures, how many of its values agree, whether the run is comparable, and its headline value beside the notebook's.</summary>
    public static TextTable FidelityTable(IReadOnlyList<ScriptFidelity> fidelity, IReadOnlyDictionary<string, ScriptReference> references, Func<string, string?>? link = null) =>
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
    public static string FidelityMarkdown(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var fidelity = FidelityOf(runDir, summary, references);
        if (fidelity.Count == 0) return "";
        var text = new StringBuilder("\n## Against the notebook\n\n");
        if (fidelity.Any(f => f.Quick)) text.Append($"**--quick run: {QuickNote}.**\n\n");
        return text.Append(TextTables.ToMarkdown(FidelityTable(fidelity, references), empty: "—")).ToString();
    }

    public static string RunReport(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references, string? scriptsDir = null)
    {
        var folders = summary.Scripts.ToDictionary(s => s.Script, s => RunFolders.Read(Path.Combine(runDir, s.Script), s.Script));
        var fidelity = FidelityOf(runDir, summary, references);
        var body = new StringBuilder();
        body.Append($"<h1>ch13 run <code>{Html.Encode(summary.Name)}</code></h1>\n");
        body.Append($"<p class=\"muted\">{Html.Encode(BatchRuns.Headline(summary).Replace("**", "").Replace("`", ""))}</p>\n");
        if (fidelity.Count > 0)
        {
            body.Append("<h2 id=\"fidelity\">Against the notebook</h2>\n");
            if (fidelity.Any(f => f.Quick))
                body.Append($"<p class=\"quick\"><strong>--quick run: {Html.Encode(QuickNote)}.</strong> Run <code>./run-all</code> without --quick to check fidelity.</p>\n");
            body.Append("<p class=\"muted\">Per script, its values beside what the PyTorch notebook printed (<code>reference/notebook.json</code>): identical at the printed precision, "
                + $"equal to float32 rounding (within {References.CloseRelative:G2} relative), or different. Each script's section lists them all.</p>\n");
            body.Append(Html.Table(FidelityTable(fidelity, references, script => "#" + Anchor(script)), "fidelity-summary"));
        }
        body.Append("<h2 id=\"scripts\">Scripts</h2>\n");
        body.Append("<p class=\"muted\">Each section below is one script of <em>Chapter 13: Going Deeper – The Mechanics of PyTorch</em>, run by <code>./run-all</code>.</p>\n");
        body.Append(Html.Table(TextTable.Of(SummaryColumns, summary.Scripts.Select(s =>
        {
            var f = fidelity.FirstOrDefault(x => x.Script == s.Script);
            return (IReadOnlyList<TextCell>)
            [
                new TextCell(s.Script, Link: "#" + Anchor(s.Script)),
                Status(s),
                s.KeyMetric is { } key ? RunFolders.Label(key) : "",
                s.KeyMetric?.Value is { } value ? RunFolders.Display(value) : "",
                NotebookFor(references.GetValueOrDefault(s.Script), s.KeyMetric),
                f is null ? new TextCell("no notebook figures", Style: CellStyle.Muted) : new TextCell(f.Quick ? $"{f.Counts} ({QuickNote})" : f.Counts, Style: f.Style),
                s.Status == BatchRuns.Skipped ? "" : F1(s.WallSeconds),
                s.TrainSeconds is { } t ? F1(t) : "",
                new TextCell(s.Log, Link: s.Log.Length == 0 ? null : Html.Url(s.Log)),
                Description(folders[s.Script], scriptsDir),
            ];
        })), "summary"));

        foreach (var result in summary.Scripts)
            body.Append(Section(runDir, result, folders[result.Script], references.GetValueOrDefault(result.Script), scriptsDir));
        return Html.Page($"ch13 run {summary.Name}", body.ToString());
    }

    static string Section(string runDir, ScriptResult result, ScriptFolder folder, ScriptReference? reference, string? scriptsDir)
    {
        var record = folder.Record;
        var html = new StringBuilder($"<section id=\"{Anchor(result.Script)}\">\n");
        var heading = SectionHeading(result.Script, scriptsDir) ?? reference?.Section;
        html.Append($"<h2>{Html.Encode(result.Script)}{(heading is null ? "" : $" <small>{Html.Encode(heading)}</small>")}</h2>\n");
        html.Append($"<p class=\"what\">{Html.Encode(Description(folder, scriptsDir))}</p>\n");
        html.Append($"<p>{StatusHtml(result)}{(result.Note is null ? "" : $" <span class=\"muted\">({Html.Encode(result.Note)})</span>")}");
        if (result.KeyMetric is { } key)
            html.Append($" · key metric <strong>{Html.Encode(RunFolders.Label(key))} = {(key.Value is { } v ? RunFolders.Display(v) : "none")}</strong>");
        if (result.Out.Length > 0) html.Append($" · <a href=\"{Html.Url(result.Out)}\">folder</a> · <a href=\"{Html.Url(result.Log)}\">log</a>");
        html.Append("</p>\n");

        if (record is null && result.Status != BatchRuns.Skipped)
        {
            html.Append("<p class=\"bad\">No run record (metrics.json): the script did not finish. The end of its log:</p>\n");
            html.Append($"<pre>{Html.Encode(LogTail(Path.Combine(runDir, result.Log), 30))}</pre>\n");
        }
        else if (record is not null)
        {
            html.Append(Html.Table(TextTable.Of(
                [new("seed"), new("epochs"), new("quick"), new("arguments"), TextColumn.Number("train (s)"), TextColumn.Number("wall in script (s)"),
                 TextColumn.Number("wall with start-up (s)"), new("started")],
                [[
                    record.Seed.ToString(CultureInfo.InvariantCulture),
                    record.Epochs.ToString(CultureInfo.InvariantCulture),
                    record.Quick ? "true" : "false",
                    new TextCell(string.Join(' ', record.Arguments), Code: true),
                    F2(record.Timings.TrainSeconds),
                    F2(record.Timings.WallSeconds),
                    F1(result.WallSeconds),
                    Timestamp(record.Timings.StartedAt),
                ]]), "timings"));
        }

        if (reference is not null) html.Append(Fidelity(reference, record));

        // Drawn beside the report (the one file the report writes besides itself): see LearningRateChart.
        var learningRate = record is null ? null : LearningRateChart(runDir, result.Script, record);
        if (folder.Images.Count > 0 || learningRate is not null)
        {
            html.Append("<h3>Plots</h3>\n");
            foreach (var image in folder.Images)
                html.Append($"<figure><img src=\"{Html.Url(result.Script + "/" + image)}\" alt=\"{Html.Encode(result.Script)}: {Html.Encode(image)}\" loading=\"lazy\"><figcaption>{Html.Encode(image)}</figcaption></figure>\n");
            if (learningRate is not null)
                html.Append($"<figure><img src=\"{Html.Url(learningRate)}\" alt=\"{Html.Encode(result.Script)}: learning rate by epoch\" loading=\"lazy\"><figcaption>learning rate by epoch (it changed during training)</figcaption></figure>\n");
        }

        if (record is not null)
        {
            if (record.Series.Count > 0)
            {
                html.Append("<h3>Models</h3>\n");
                html.Append(Html.Table(SeriesTable(record), "series"));
            }
            var values = RunFolders.Values(record);
            if (values.Count > 0)
            {
                html.Append($"<details{(values.Count <= 16 ? " open" : "")}><summary>Results ({values.Count} values; per-epoch histories are in metrics.json)</summary>\n");
                html.Append(Html.Table(TextTable.Of([new("name"), TextColumn.Number("value")],
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
            html.Append("<details><summary>Environment</summary>\n" + Html.Table(TextTable.Of([new(""), new("")],
                environment.EnumerateObject().Select(p => (IReadOnlyList<TextCell>)[p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()])),
                "environment") + "</details>\n");
        }
        return html.Append("</section>\n").ToString();
    }

    /// <summary>One row per model: how its training ended, its last epoch and training time, and its last epoch's metrics.</summary>
    public static TextTable SeriesTable(RunRecord record) => TextTable.Of(
        [new("model"), new("status"), TextColumn.Number("epochs"), TextColumn.Number("train (s)"), .. RunFolders.HistoryColumns.Select(c => TextColumn.Number(c.Name))],
        record.Series.Select(s => (IReadOnlyList<TextCell>)
        [
            s.Name,
            new TextCell(RunStatuses.Text(s.Status), Style: s.Status is RunStatus.Completed or RunStatus.EarlyStopped ? CellStyle.Ok : CellStyle.Bad),
            s.Final is { } last ? last.Epoch.ToString(CultureInfo.InvariantCulture) : "",
            record.Timings.SeriesTrainSeconds.TryGetValue(s.Name, out var seconds) ? F2(seconds) : "",
            .. RunFolders.HistoryColumns.Select(c => (TextCell)(s.Final is { } f && c.Read(f) is { } x ? RunFolders.Display(x) : "")),
        ]));

    /// <summary>The notebook's printed values beside ours (as References resolves them in <paramref name="record"/>).</summary>
    public static string Fidelity(ScriptReference reference, RunRecord? record) =>
        Fidelity(reference, References.Rows(reference, record), record?.Quick ?? false);

    /// <summary>The notebook's printed values beside ours, marked when equal at the printed precision; a quick run is flagged as not comparable.</summary>
    public static string Fidelity(ScriptReference reference, IReadOnlyList<FidelityRow> rows, bool quick)
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

    static TextCell Status(ScriptResult r) =>
        new(r.Status, Style: r.Ok ? CellStyle.Ok : r.Status == BatchRuns.Skipped ? CellStyle.Muted : CellStyle.Bad);

    static string StatusHtml(ScriptResult r) => TextTables.ToHtml(Status(r));

    /// <summary>An ISO timestamp to the second: <c>2026-11-26 08:55:30</c>.</summary>
    public static string Timestamp(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : iso ?? "";

    static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    static string Anchor(string script) => "script-" + Regex.Replace(script, "[^A-Za-z0-9_-]", "-");

    /// <summary>
    /// What a script demonstrates, in a sentence: the run record's description, else the description the
    /// script passes to <c>Runs.Start</c> (read from its source), else empty.
    /// </summary>
    public static string Description(ScriptFolder folder, string? scriptsDir)
    {
        if (folder.Record?.Description is { Length: > 0 } recorded) return recorded;
        var source = ScriptSource(folder.Script, scriptsDir);
        var match = source is null ? Match.Empty : Regex.Match(source, @"Runs\.Start\(\s*""[^""]*""\s*,\s*\w+\s*,\s*""(?<d>(?:[^""\\]|\\.)*)""");
        return match.Success ? Regex.Unescape(match.Groups["d"].Value) : "";
    }

    /// <summary>
    /// The chapter section a script names in its header comment: the comment lines from <c>// Chapter 13 · …</c> up to
    /// its first ": " or sentence end outside quotes (what follows describes the script).
    /// </summary>
    public static string? SectionHeading(string script, string? scriptsDir)
    {
        var source = ScriptSource(script, scriptsDir);
        if (source is null) return null;
        var lines = source.Split('\n').Select(l => l.Trim()).ToList();
        var first = lines.FindIndex(l => Regex.IsMatch(l, @"^//\s*Chapter 13\s*·"));
        if (first < 0) return null;
        var header = string.Join(' ', lines.Skip(first)
            .TakeWhile((l, i) => i == 0 || (l.StartsWith("//") && !Regex.IsMatch(l, @"^//\s*(Writes|\(|$)")))
            .Select(l => l.TrimStart('/').Trim()));
        header = Regex.Replace(header, @"^Chapter 13\s*·\s*", "");
        var quoted = false;
        for (var i = 0; i < header.Length - 1; i++)
        {
            if (header[i] == '"') quoted = !quoted;
            else if (!quoted && header[i] is ':' or '.' && header[i + 1] == ' ') return header[..i].Trim();
        }
        return header.Trim().TrimEnd('.');
    }

    static string? ScriptSource(string script, string? scriptsDir)
    {
        var path = scriptsDir is null ? null : Path.Combine(scriptsDir, script + ".csx");
        return path is not null && File.Exists(path) ? File.ReadAllText(path) : null;
    }

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
    /// <summary>
    /// The learning rate by epoch of the models whose rate changed during training (mnist's ReduceLROnPlateau), drawn
    /// into the run folder as <c>&lt;script&gt;.lr.webp</c>: the schedule is the one thing the loss curves do not show.
    /// Null when every model kept one rate.
    /// </summary>
    public static string? LearningRateChart(string runDir, string script, RunRecord record)
    {
        var changing = record.Series.Where(s => s.History.Select(e => e.LearningRate).Distinct().Count() > 1).ToList();
        if (changing.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        for (var i = 0; i < changing.Count; i++)
        {
            var history = changing[i].History;
            var line = plot.Add.ScatterLine(history.Select(e => (double)e.Epoch).ToArray(), history.Select(e => e.LearningRate).ToArray(),
                Plots.ClassColors[i % Plots.ClassColors.Length]);
            line.LegendText = changing[i].Name;
            line.LineWidth = 2.5f;
            line.MarkerSize = 6;
        }
        plot.ShowLegend(ScottPlot.Edge.Right);
        Plots.Label(plot, $"{script} · learning rate", "Epoch", "lr");
        var name = $"{script}.lr.webp";
        var png = Path.Combine(runDir, $".{script}.lr.png");
        Plots.Save(plot, png, 760, 320);
        try { Images.CompactCopy(png, Path.Combine(runDir, name)); }
        finally { File.Delete(png); }
        return name;
    }

    public static string LogTail(string path, int lines) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : "";
}
