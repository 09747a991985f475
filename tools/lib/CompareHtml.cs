#nullable enable

/// <summary>compare.html: the comparison as one page, its images beside it.</summary>
public static class CompareHtml
{
    /// <summary>
    /// compare.html: the same content as compare.md, laid out to fit: the tally first, what differs, one line per
    /// script; per script the headline values (the rest folded), the charts in a grid under one shared legend, constant
    /// columns as one line, and the plots folded with their difference images. A script where nothing changed is
    /// folded whole. Images stay beside the page, referenced by relative paths and loaded lazily.
    /// </summary>
    public static string HtmlPage(Comparison c, string outDir)
    {
        string Img(string file, string alt, string cssClass = "") =>
            $"<img src=\"{Html.Url(file)}\" alt=\"{Html.Encode(alt)}\" loading=\"lazy\"{(cssClass.Length > 0 ? $" class=\"{cssClass}\"" : "")}{Size(Path.Combine(outDir, file))}>";

        var body = new StringBuilder(Style(c.Names));
        body.Append($"<p class=\"tally\">{Html.Encode(c.Tally)}</p>\n");
        body.Append($"<p class=\"muted\">Verdicts by each script's key metric: better or worse only when {Html.Encode(SeedStatistics.Rule)} rejects equal means; " +
            "otherwise within seed noise. With one seed on a side: one seed, cannot tell.</p>\n");
        body.Append($"<h1>Comparison: {CompareMarkdown.RunsLine(c, n => $"<code>{Html.Encode(n)}</code>")}</h1>\n");
        body.Append($"<p class=\"muted\">{string.Join("<br>", c.Paths.Select((p, i) => $"{Compare.Letter(i)}: <code>{Html.Encode(p)}</code>"))}</p>\n");
        body.Append("<h2 id=\"differs\">What differs</h2>\n");
        if (c.Differences.Count == 0) body.Append("<p>The runs have the same arguments, settings, seed, runner and versions.</p>\n");
        else
        {
            // The first settings in view, the rest (often one config entry per script) one click away.
            var table = CompareTables.DifferencesTable(c);
            body.Append(TextTables.ToHtml(table with { Rows = table.Rows.Take(ShownDifferences).ToList() }, "differences stack"));
            if (table.Rows.Count > ShownDifferences)
                body.Append($"<details><summary>{table.Rows.Count - ShownDifferences} more settings differ</summary>\n")
                    .Append(TextTables.ToHtml(table with { Rows = table.Rows.Skip(ShownDifferences).ToList() }, "differences stack")).Append("</details>\n");
        }
        body.Append("<h2 id=\"verdicts\">Is it better?</h2>\n<ul class=\"verdicts\">\n");
        foreach (var s in c.Scripts)
            body.Append($"<li class=\"{CompareTables.VerdictClass(s.Verdict)}\"><a href=\"#{Html.Encode(Compare.Safe(s.Script))}\">{Html.Encode(s.Summary)}</a></li>\n");
        body.Append("</ul>\n");
        if (c.Scripts.Count == 0) body.Append("<p>No script is present in every run.</p>\n");
        CompareMarkdown.Sides(c, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));

        foreach (var s in c.Scripts)
        {
            var id = Html.Encode(Compare.Safe(s.Script));
            // Nothing moved: the script folds to its one line.
            var folded = s.Verdict == Verdict.Unchanged && s.ChangedMetrics == 0 && s.ChangedImages == 0;
            body.Append(folded
                ? $"<details id=\"{id}\" class=\"script\"><summary>{Html.Encode(s.Summary)}</summary>\n"
                : $"<section id=\"{id}\"><h2>{Html.Encode(s.Script)}</h2>\n<p class=\"what {CompareTables.VerdictClass(s.Verdict)}\">{Html.Encode(s.Summary)}</p>\n");
            body.Append(TextTables.ToHtml(CompareTables.MetricsTable(s.Metrics.Where(CompareTables.Headline), c.Names), "metrics stack"));
            var rest = s.Metrics.Where(m => !CompareTables.Headline(m)).ToList();
            if (rest.Count > 0)
                body.Append($"<details><summary>{rest.Count} more values ({rest.Count(m => m.Changed)} changed, none better or worse beyond the seeds' noise)</summary>\n")
                    .Append(TextTables.ToHtml(CompareTables.MetricsTable(rest, c.Names), "metrics stack"))
                    .Append("</details>\n");
            if (s.Charts.Count > 0)
            {
                body.Append("<h3>Training histories</h3>\n").Append(Legend(s.Legend)).Append("<div class=\"charts\">\n");
                foreach (var chart in s.Charts) body.Append($"<figure>{Img(chart.Chart, $"{s.Script} · {chart.Column}", "chart")}</figure>\n");
                body.Append("</div>\n");
            }
            foreach (var line in s.FlatColumns) body.Append($"<p class=\"muted\">{Html.Encode(line)}</p>\n");
            if (s.Images.Count > 0)
            {
                var changed = s.ChangedImages == 0 ? $"all {s.Images.Count} identical" : $"{s.ChangedImages} of {s.Images.Count} differ";
                body.Append($"<details class=\"plots\"><summary>Plots: {changed}{(s.SeedCounts.Any(n => n > 1) ? " (each side's first seed)" : "")}</summary>\n");
                foreach (var image in s.Images) body.Append(ImageRow(c, image, Img));
                body.Append("</details>\n");
            }
            CompareMarkdown.OneSided(s, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));
            body.Append(folded ? "</details>\n" : "</section>\n");
        }
        return Html.Page($"ch13 comparison {string.Join(" vs ", c.Names)}", body.ToString());
    }

    /// <summary>How many settings "What differs" shows before folding the rest.</summary>
    public const int ShownDifferences = 8;

    static string ImageRow(Comparison c, ImagePair image, Func<string, string, string, string> img)
    {
        var html = new StringBuilder($"<h4>{Html.Encode(image.Image)}: <span class=\"{(image.Diff.Identical ? "unchanged" : "changed")}\">{Html.Encode(CompareTables.ImageNote(image.Diff))}</span></h4>\n");
        if (image.Sources.Count == 1)
            return html.Append($"<div class=\"pair\"><figure>{img(image.Sources[0], image.Image, "")}<figcaption>identical in every run</figcaption></figure></div>\n").ToString();
        html.Append("<div class=\"pair\">");
        for (var i = 0; i < image.Sources.Count; i++)
            html.Append($"<figure>{img(image.Sources[i], $"{Compare.Letter(i)}: {image.Image}", "")}<figcaption>{Compare.Letter(i)}: {Html.Encode(c.Names[i])}</figcaption></figure>");
        var last = Compare.Letter(c.Names.Count - 1);
        if (image.Difference is not null) html.Append($"<figure>{img(image.Difference, $"where A and {last} differ: {image.Image}", "")}<figcaption>where A and {last} differ (red)</figcaption></figure>");
        return html.Append("</div>\n").ToString();
    }

    // The script's one legend for all its charts: a short line sample in each entry's colour and pattern.
    static string Legend(IReadOnlyList<LegendEntry> entries) =>
        entries.Count == 0 ? "" :
        "<p class=\"legend\">" + string.Concat(entries.Select(e =>
            $"<span><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"{e.Color}\" stroke-width=\"3\"{(e.Dash.Length > 0 ? $" stroke-dasharray=\"{e.Dash}\"" : "")}/></svg>{Html.Encode(e.Label)}</span>")) + "</p>\n";

    /// <summary>
    /// The page's own rules on top of the shared CSS (Html.cs): the tally's size, within-noise muted, a denser chart
    /// grid (three charts a row at 1280 px, one on a phone), charts inverted in dark mode (they are drawn on white with
    /// the book's mid-tone colours, which stay readable inverted; a script's own plots are shown as they are), and on a
    /// narrow screen every table row as a card whose cells name their column, so no table scrolls sideways.
    /// </summary>
    static string Style(IReadOnlyList<string> names)
    {
        var labels = new List<string>();
        for (var i = 0; i < names.Count; i++) labels.Add($"table.metrics td:nth-child({i + 2})::before, table.differences td:nth-child({i + 2})::before {{ content: \"{Compare.Letter(i)}: \"; }}");
        labels.Add($"table.metrics td:nth-child({names.Count + 2})::before {{ content: \"{Compare.Letter(names.Count - 1)} − A: \"; }}");
        labels.Add($"table.metrics td:nth-child({names.Count + 4})::before {{ content: \"notebook: \"; }}");
        return $$"""
            <style>
            .tally { font-size: 24px; font-weight: 700; margin: 20px 0 2px; }
            .noise { color: var(--muted); }
            .what.noise, .verdicts .noise { font-style: italic; }
            .charts { grid-template-columns: repeat(auto-fill, minmax(min(360px, 100%), 1fr)); gap: 8px; }
            .charts figure { margin: 0; }
            .legend { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; margin: 4px 0 8px; }
            .legend svg { vertical-align: middle; margin-right: 6px; }
            details.script > summary { font-weight: normal; color: var(--muted); margin: 6px 0; }
            table.stack { max-width: 100%; margin: 8px 0 16px; }
            table.stack td, table.stack td.num { white-space: normal; overflow-wrap: anywhere; }
            @media (prefers-color-scheme: dark) { img.chart { filter: invert(1) hue-rotate(180deg); border-color: #c2bbb2; } } /* inverted: the dark --line */
            @media (max-width: 700px) {
              table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; box-sizing: border-box; }
              table.stack thead { display: none; }
              table.stack tr { border: 1px solid var(--line); margin: 0 0 8px; }
              table.stack td { border: 0; padding: 1px 8px; text-align: left; max-width: none; }
              table.stack td:first-child { font-weight: 600; background: var(--head); }
              table.stack td:empty { display: none; }
              {{string.Join("\n  ", labels)}}
              table.stack td::before { color: var(--muted); }
            }
            </style>

            """;
    }

    // width/height attributes from the image's header, so lazy images keep their place before they load.
    static string Size(string path)
    {
        try
        {
            using var codec = SkiaSharp.SKCodec.Create(path);
            return codec is null ? "" : $" width=\"{codec.Info.Width}\" height=\"{codec.Info.Height}\"";
        }
        catch (IOException) { return ""; }
    }
}
