#nullable enable

/// <summary>compare.html: the comparison as one page, its images beside it.</summary>
public static class CompareHtml
{
    /// <summary>
    /// compare.html: the same content as compare.md. Images stay beside the page (the charts and difference images
    /// in the comparison folder, each run's plots where the run keeps them), referenced by relative paths and loaded lazily.
    /// </summary>
    public static string HtmlPage(Comparison c, string outDir)
    {
        string Img(string file, string alt) =>
            $"<img src=\"{Html.Url(file)}\" alt=\"{Html.Encode(alt)}\" loading=\"lazy\"{Size(Path.Combine(outDir, file))}>";

        var body = new StringBuilder($"<h1>Comparison: {CompareMarkdown.RunsLine(c, n => $"<code>{Html.Encode(n)}</code>")}</h1>\n");
        body.Append($"<p class=\"muted\">{string.Join("<br>", c.Paths.Select((p, i) => $"{Compare.Letter(i)}: <code>{Html.Encode(p)}</code>"))}</p>\n");
        body.Append("<h2 id=\"differs\">What differs</h2>\n");
        body.Append(c.Differences.Count == 0 ? "<p>The runs have the same arguments, settings, seed, runner and versions.</p>\n" : Html.Table(CompareTables.DifferencesTable(c), "differences"));
        body.Append("<h2 id=\"verdicts\">Is it better?</h2>\n<ul class=\"verdicts\">\n");
        foreach (var s in c.Scripts)
            body.Append($"<li class=\"{CompareTables.VerdictText(s.Verdict)}\"><a href=\"#{Html.Encode(Compare.Safe(s.Script))}\">{Html.Encode(s.Summary)}</a></li>\n");
        body.Append("</ul>\n");
        if (c.Scripts.Count == 0) body.Append("<p>No script is present in every run.</p>\n");
        body.Append(Html.Table(CompareTables.Overview(c), "overview"));
        CompareMarkdown.Sides(c, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));

        foreach (var s in c.Scripts)
        {
            body.Append($"<section id=\"{Html.Encode(Compare.Safe(s.Script))}\"><h2>{Html.Encode(s.Script)}</h2>\n");
            body.Append($"<p class=\"what {CompareTables.VerdictText(s.Verdict)}\">{Html.Encode(s.Summary)}</p>\n");
            body.Append(Html.Table(CompareTables.MetricsTable(s.Metrics.Where(CompareTables.Headline), c.Names), "metrics"));
            var unchanged = s.Metrics.Where(m => !CompareTables.Headline(m)).ToList();
            if (unchanged.Count > 0)
                body.Append($"<details><summary>{unchanged.Count} unchanged values (and notebook values no run recorded)</summary>\n")
                    .Append(Html.Table(CompareTables.MetricsTable(unchanged, c.Names), "metrics"))
                    .Append("</details>\n");
            if (s.Charts.Count > 0)
            {
                body.Append("<h3>Training histories</h3>\n<div class=\"charts\">\n");
                foreach (var chart in s.Charts) body.Append($"<figure>{Img(chart.Chart, $"{s.Script} · {chart.Column}")}</figure>\n");
                body.Append("</div>\n");
            }
            if (s.Images.Count > 0) body.Append("<h3>Plots</h3>\n");
            foreach (var image in s.Images)
            {
                body.Append($"<h4>{Html.Encode(image.Image)}: <span class=\"{(image.Diff.Identical ? "unchanged" : "changed")}\">{Html.Encode(CompareTables.ImageNote(image.Diff))}</span></h4>\n");
                if (image.Sources.Count == 1)
                {
                    body.Append($"<div class=\"pair\"><figure>{Img(image.Sources[0], image.Image)}<figcaption>identical in every run</figcaption></figure></div>\n");
                    continue;
                }
                body.Append("<div class=\"pair\">");
                for (var i = 0; i < image.Sources.Count; i++)
                    body.Append($"<figure>{Img(image.Sources[i], $"{Compare.Letter(i)}: {image.Image}")}<figcaption>{Compare.Letter(i)}: {Html.Encode(c.Names[i])}</figcaption></figure>");
                if (image.Difference is not null) body.Append($"<figure>{Img(image.Difference, $"where A and {Compare.Letter(c.Names.Count - 1)} differ: {image.Image}")}<figcaption>where A and {Compare.Letter(c.Names.Count - 1)} differ (red)</figcaption></figure>");
                body.Append("</div>\n");
            }
            CompareMarkdown.OneSided(s, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));
            body.Append("</section>\n");
        }
        return Html.Page($"ch13 comparison {string.Join(" vs ", c.Names)}", body.ToString());
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
