#nullable enable
using System.Globalization;

/// <summary>
/// A seed sweep's script in report.html: one row in the scripts' table and one section, the seeds as one group (the
/// key metric's mean ± sd, min–max and n; each seed's status, key metric and links; the plots of the first seed).
/// </summary>
public static class SweepSections
{
    /// <summary>The scripts' table row of a sweep: how many seeds ended ok, the key metric's spread; the notebook is one run's, so not compared.</summary>
    public static IReadOnlyList<TextCell> Row(IReadOnlyList<ScriptResult> seeds)
    {
        var script = seeds[0].Script;
        var ok = seeds.Count(s => s.Ok);
        var key = seeds.Select(s => s.KeyMetric).FirstOrDefault(k => k is not null);
        return
        [
            new TextCell(script, Link: "#" + ReportSections.Anchor(script)),
            new TextCell($"{ok} ok / {seeds.Count - ok} failed", Style: ok == seeds.Count ? CellStyle.Ok : CellStyle.Bad),
            key is null ? "" : RunFolders.Label(key),
            Spread(seeds)?.Text() ?? "",
            new TextCell("one run's numbers", Style: CellStyle.Muted),
            new TextCell($"seed sweep ({seeds.Count} seeds): not checked", Style: CellStyle.Muted),
            Numbers.Fixed(seeds.Sum(s => s.WallSeconds), "F1"),
        ];
    }

    /// <summary>The key metric's spread over the seeds that recorded it.</summary>
    public static SeedSample? Spread(IReadOnlyList<ScriptResult> seeds) =>
        seeds.Any(s => s.Ok && s.KeyMetric?.Value is not null) ? SeedSample.Of(seeds.Where(s => s.Ok).Select(s => s.KeyMetric?.Value)) : null;

    /// <summary>A sweep's section: the key metric over the seeds, a row per seed, the first seed's plots.</summary>
    public static string Section(string runDir, IReadOnlyList<(ScriptResult Result, ScriptFolder Folder)> seeds, ChapterManifest? chapter)
    {
        var script = seeds[0].Result.Script;
        var html = new StringBuilder($"<section id=\"{ReportSections.Anchor(script)}\">\n");
        var heading = chapter?.Find(script)?.Section;
        html.Append($"<h2>{Html.Encode(script)} <small>seed sweep{(heading is null ? "" : " · " + Html.Encode(heading))}</small></h2>\n");
        html.Append($"<p class=\"what\">{Html.Encode(ReportSections.Description(seeds[0].Folder, chapter))}</p>\n");
        var results = seeds.Select(s => s.Result).ToList();
        if (results.Select(r => r.KeyMetric).FirstOrDefault(k => k is not null) is { } key)
            html.Append($"<p>key metric <strong>{Html.Encode(RunFolders.Label(key))} = {Html.Encode(Spread(results)?.Text() ?? "none")}</strong> "
                + "<span class=\"muted\">(mean ± sample standard deviation, min–max, n: the seeds that ended ok)</span></p>\n");
        html.Append(Html.Cards(TextTable.Of(
            [TextColumn.Number("seed"), new("status"), TextColumn.Number("key metric"), TextColumn.Number("wall (s)"), new("folder"), new("log")],
            seeds.Select(s => (IReadOnlyList<TextCell>)
            [
                s.Result.Seed?.ToString(CultureInfo.InvariantCulture) ?? "",
                ReportSections.Status(s.Result),
                s.Result.KeyMetric?.Value is { } v ? RunFolders.Display(v) : "",
                Numbers.Fixed(s.Result.WallSeconds, "F1"),
                s.Result.Out.Length == 0 ? "" : new TextCell(s.Result.Out, Link: Html.Url(s.Result.Out)),
                s.Result.Log.Length == 0 ? "" : new TextCell(s.Result.Log, Link: Html.Url(s.Result.Log)),
            ])), "seeds"));
        var first = seeds.FirstOrDefault(s => s.Folder.Images.Count > 0);
        if (first.Folder is not null)
        {
            var folder = Path.GetRelativePath(runDir, first.Folder.Dir).Replace('\\', '/');
            html.Append($"<details><summary>Plots of seed {first.Result.Seed}</summary>\n<div class=\"figures\">\n");
            foreach (var image in first.Folder.Images)
                html.Append(ReportSections.Figure(folder + "/" + image, $"{script} seed {first.Result.Seed}: {image}", image));
            html.Append("</div></details>\n");
        }
        return html.Append("</section>\n").ToString();
    }
}
