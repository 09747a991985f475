#nullable enable
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

/// <summary>
/// report.html for a run folder: one page, a summary table at the top linking to a section per script (what it
/// demonstrates, key metric, the notebook's numbers beside ours, every plot, results, config, timings, environment).
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

    public static string RunReport(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references, string? scriptsDir = null)
    {
        var folders = summary.Scripts.ToDictionary(s => s.Script, s => RunFolders.Read(Path.Combine(runDir, s.Script), s.Script));
        var body = new StringBuilder();
        body.Append($"<h1>ch13 run <code>{Html.Encode(summary.Name)}</code></h1>\n");
        body.Append($"<p class=\"muted\">{Html.Encode(BatchRuns.Headline(summary).Replace("**", "").Replace("`", ""))}</p>\n");
        body.Append("<p class=\"muted\">Each section below is one script of <em>Chapter 13: Going Deeper – The Mechanics of PyTorch</em>, run by <code>./run-all</code>; "
            + "the notebook column shows what the PyTorch notebook printed, from <code>reference/notebook.json</code>.</p>\n");
        body.Append(Html.Table(
            ["script", "what it shows", "status", "wall (s)", "train (s)", "key metric", "ours", "notebook", "log"],
            summary.Scripts.Select(s => (IReadOnlyList<string>)
            [
                $"<a href=\"#{Anchor(s.Script)}\">{Html.Encode(s.Script)}</a>",
                Html.Encode(Description(folders[s.Script], scriptsDir)),
                Status(s),
                s.Status == BatchRuns.Skipped ? "" : F1(s.WallSeconds),
                s.TrainSeconds is { } t ? F1(t) : "",
                Html.Encode(s.KeyMetric?.Name),
                s.KeyMetric is { } k ? BatchRuns.Number(k.Value) : "",
                Html.Encode(References.ForKeyMetric(references.GetValueOrDefault(s.Script), s.KeyMetric is { } key ? new KeyMetric(key.Name, key.Value, null, null) : null)?.NotebookText),
                s.Log.Length == 0 ? "" : $"<a href=\"{Html.Url(s.Log)}\">{Html.Encode(s.Log)}</a>",
            ]), "summary", numeric: [3, 4, 6, 7]));

        foreach (var result in summary.Scripts)
            body.Append(Section(runDir, result, folders[result.Script], references.GetValueOrDefault(result.Script), scriptsDir));
        return Html.Page($"ch13 run {summary.Name}", body.ToString());
    }

    static string Section(string runDir, ScriptResult result, ScriptFolder folder, ScriptReference? reference, string? scriptsDir)
    {
        var metrics = folder.Metrics;
        var html = new StringBuilder($"<section id=\"{Anchor(result.Script)}\">\n");
        var heading = SectionHeading(result.Script, scriptsDir) ?? reference?.Section;
        html.Append($"<h2>{Html.Encode(result.Script)}{(heading is null ? "" : $" <small>{Html.Encode(heading)}</small>")}</h2>\n");
        html.Append($"<p class=\"what\">{Html.Encode(Description(folder, scriptsDir))}</p>\n");
        html.Append($"<p>{Status(result)}{(result.Note is null ? "" : $" <span class=\"muted\">({Html.Encode(result.Note)})</span>")}");
        if (result.KeyMetric is { } key) html.Append($" · key metric <strong>{Html.Encode(key.Name)} = {BatchRuns.Number(key.Value)}</strong>");
        if (result.Out.Length > 0) html.Append($" · <a href=\"{Html.Url(result.Out)}\">folder</a> · <a href=\"{Html.Url(result.Log)}\">log</a>");
        html.Append("</p>\n");

        if (metrics is null && result.Status != BatchRuns.Skipped)
        {
            html.Append("<p class=\"bad\">No metrics.json: the script did not finish. The end of its log:</p>\n");
            html.Append($"<pre>{Html.Encode(LogTail(Path.Combine(runDir, result.Log), 30))}</pre>\n");
        }
        else if (metrics is not null)
        {
            html.Append(Html.Table(["seed", "epochs", "quick", "arguments", "train (s)", "wall in script (s)", "wall with start-up (s)", "started"],
            [[
                Html.Encode(RunFolders.Select(metrics, "seed")?.ToJsonString()),
                Html.Encode(RunFolders.Select(metrics, "epochs")?.ToJsonString()),
                Html.Encode(RunFolders.Select(metrics, "quick")?.ToJsonString()),
                $"<code>{Html.Encode(string.Join(' ', (RunFolders.Select(metrics, "arguments") as JsonArray ?? []).Select(a => RunFolders.Text(a) ?? "")))}</code>",
                Num(RunFolders.Select(metrics, "timings.train_seconds")),
                Num(RunFolders.Select(metrics, "timings.wall_seconds")),
                F1(result.WallSeconds),
                Html.Encode(Timestamp(RunFolders.Text(RunFolders.Select(metrics, "timings.started_at")))),
            ]], "timings", numeric: [4, 5, 6]));
        }

        if (reference is not null) html.Append(Fidelity(reference, metrics));

        if (folder.Images.Count > 0)
        {
            html.Append("<h3>Plots</h3>\n");
            foreach (var image in folder.Images)
                html.Append($"<figure><img src=\"{Html.Url(result.Script + "/" + image)}\" alt=\"{Html.Encode(result.Script)}: {Html.Encode(image)}\"><figcaption>{Html.Encode(image)}</figcaption></figure>\n");
        }

        if (metrics is not null)
        {
            var scalars = RunFolders.Scalars(RunFolders.Select(metrics, "results"), "results");
            if (scalars.Count > 0)
            {
                html.Append($"<details{(scalars.Count <= 16 ? " open" : "")}><summary>Results ({scalars.Count} numbers; histories are in metrics.json)</summary>\n");
                html.Append(Html.Table(["metric", "value"], scalars.Select(s => (IReadOnlyList<string>)[$"<code>{Html.Encode(s.Path)}</code>", Html.Encode(RunFolders.Display(s.Node))]), "results", numeric: [1]));
                html.Append("</details>\n");
            }
            if (RunFolders.Select(metrics, "config") is { } config)
            {
                html.Append("<details><summary>Config</summary>\n");
                foreach (var (path, text) in MultilineStrings(config, "config"))
                    html.Append($"<p><code>{Html.Encode(path)}</code></p><pre>{Html.Encode(text)}</pre>\n");
                html.Append($"<pre>{Html.Encode(config.ToJsonString(Pretty))}</pre></details>\n");
            }
            if (RunFolders.Select(metrics, "environment") is JsonObject environment)
                html.Append("<details><summary>Environment</summary>\n" + Html.Table(["", ""],
                    environment.Select(p => (IReadOnlyList<string>)[Html.Encode(p.Key), Html.Encode(p.Value is JsonValue v && RunFolders.Text(v) is { } s ? s : p.Value?.ToJsonString(Pretty))]), "environment") + "</details>\n");
        }
        return html.Append("</section>\n").ToString();
    }

    /// <summary>The notebook's printed values beside ours, marked when equal at the printed precision.</summary>
    public static string Fidelity(ScriptReference reference, JsonNode? metrics)
    {
        var rows = References.Rows(reference, metrics is null ? null : RunRecords.TryParse(metrics.ToJsonString()));
        int Count(Agreement a) => rows.Count(r => r.Agreement == a);
        var missing = rows.Count(r => r.Agreement is null);
        var html = new StringBuilder($"<h3>Notebook</h3>\n<p class=\"muted\">{Html.Encode(reference.Section)}. Of {rows.Count} printed values: "
            + $"{Count(Agreement.Equal)} equal as printed (=), {Count(Agreement.Close)} equal to float32 rounding (≈, within {References.CloseRelative:G2} relative), "
            + $"{Count(Agreement.Differs)} differ (≠){(missing > 0 ? $", {missing} not recorded by the script" : "")}.");
        if (RunFolders.Select(metrics, "quick") is JsonValue quick && quick.GetValueKind() == JsonValueKind.True)
            html.Append(" This was a <strong>--quick</strong> run: its settings are not the notebook's, so differences are expected.");
        if (reference.Note is not null) html.Append(' ').Append(Html.Encode(reference.Note));
        html.Append("</p>\n");
        html.Append(Html.Table(["value", "notebook", "ours", "|Δ|", ""], rows.Select(r => (IReadOnlyList<string>)
        [
            Html.Encode(r.Label),
            $"<code>{Html.Encode(r.Notebook)}</code>",
            r.Ours is null ? "<span class=\"muted\">not recorded</span>" : $"<code>{Html.Encode(r.Ours)}</code>",
            r.Delta is { } d ? d.ToString("G3", CultureInfo.InvariantCulture) : "",
            r.Agreement switch
            {
                Agreement.Equal => "<span class=\"ok\">=</span>",
                Agreement.Close => "<span class=\"ok\">≈</span>",
                Agreement.Differs => "<span class=\"bad\">≠</span>",
                _ => "",
            },
        ]), "fidelity", numeric: [3]));
        return html.ToString();
    }

    static string Status(ScriptResult r) =>
        r.Ok ? $"<span class=\"ok\">{Html.Encode(r.Status)}</span>"
        : r.Status == BatchRuns.Skipped ? $"<span class=\"muted\">{Html.Encode(r.Status)}</span>"
        : $"<span class=\"bad\">{Html.Encode(r.Status)}</span>";

    /// <summary>An ISO timestamp to the second: <c>2026-11-26 08:55:30</c>.</summary>
    public static string Timestamp(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : iso ?? "";

    static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    static string Num(JsonNode? node) => RunFolders.Number(node) is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "";

    static string Anchor(string script) => "script-" + Regex.Replace(script, "[^A-Za-z0-9_-]", "-");

    /// <summary>
    /// What a script demonstrates, in a sentence: metrics.json's <c>description</c>, else the description the
    /// script passes to <c>Runs.Start</c> (read from its source), else empty.
    /// </summary>
    public static string Description(ScriptFolder folder, string? scriptsDir)
    {
        if (RunFolders.Text(RunFolders.Select(folder.Metrics, "description")) is { Length: > 0 } recorded) return recorded;
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

    static IEnumerable<(string Path, string Text)> MultilineStrings(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    if (child is not null)
                        foreach (var found in MultilineStrings(child, $"{path}.{key}")) yield return found;
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is { } child)
                        foreach (var found in MultilineStrings(child, $"{path}[{i}]")) yield return found;
                break;
            default:
                if (RunFolders.Text(node) is { } text && text.Contains('\n')) yield return (path, text);
                break;
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of a log file (empty when missing).</summary>
    public static string LogTail(string path, int lines) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : "";
}
