#nullable enable

/// <summary>compare.md, and the lists both pages show (scripts, images and models on one side only).</summary>
public static class CompareMarkdown
{
    /// <summary>compare.md: the tally and the rule, what differs, a line per script, the overview, then per script its values, charts and plots (images alongside).</summary>
    public static string Markdown(Comparison c)
    {
        var md = new StringBuilder($"**{c.Tally}**\n\n");
        md.Append($"Verdicts by each script's key metric: better or worse only when {SeedStatistics.Rule} rejects equal means; " +
            "otherwise within seed noise. With one seed on a side: one seed, cannot tell.\n\n");
        md.Append($"# Comparison: {RunsLine(c, n => $"`{n}`")}\n\n");
        md.Append(string.Join("  \n", c.Paths.Select((p, i) => $"{Compare.Letter(i)}: `{p}`"))).Append("\n\n## What differs\n\n");
        md.Append(c.Differences.Count == 0 ? "The runs have the same arguments, settings, seed, runner and versions.\n" : TextTables.ToMarkdown(CompareTables.DifferencesTable(c)));
        md.Append("\n## Is it better?\n\n");
        foreach (var s in c.Scripts) md.Append($"- {s.Summary}\n");
        if (c.Scripts.Count == 0) md.Append("No script is present in every run.\n");
        md.Append('\n').Append(TextTables.ToMarkdown(CompareTables.PlainOverview(c)));
        Sides(c, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(s => $"`{s}`"))}\n"));
        foreach (var s in c.Scripts)
        {
            md.Append($"\n## {s.Script}\n\n{s.Summary}\n\n");
            md.Append(TextTables.ToMarkdown(CompareTables.MetricsTable(s.Metrics, c.Names)));
            if (s.Charts.Count > 0) md.Append("\n### Training histories\n\n");
            if (s.Legend.Count > 0) md.Append($"Legend: {string.Join("; ", s.Legend.Select(e => $"{e.Label} ({e.Color}{(e.Dash.Length > 0 ? ", dashed" : "")})"))}\n\n");
            foreach (var chart in s.Charts) md.Append($"![{s.Script} · {chart.Column}]({Html.Url(chart.Chart)})\n");
            foreach (var line in s.FlatColumns) md.Append($"\n{line}\n");
            if (s.Images.Count > 0) md.Append($"\n### Plots ({string.Join(" | ", c.Names.Select((_, i) => Compare.Letter(i)))} | where A and {Compare.Letter(c.Names.Count - 1)} differ)\n\n");
            foreach (var image in s.Images)
            {
                md.Append($"**{image.Image}**: {CompareTables.ImageNote(image.Diff)}\n\n");
                var shown = image.Difference is null ? image.Sources : image.Sources.Append(image.Difference).ToList();
                md.Append(string.Join(' ', shown.Select(src => $"![{image.Image}]({Html.Url(src)})"))).Append("\n\n");
            }
            OneSided(s, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(x => $"`{x}`"))}\n"));
        }
        return md.ToString();
    }

    public static void Sides(Comparison c, Action<string, IReadOnlyList<string>> write)
    {
        if (c.OnlyInA.Count > 0) write("Scripts only in A", c.OnlyInA);
        if (c.OnlyInB.Count > 0) write($"Scripts only in {Compare.Letter(c.Names.Count - 1)}", c.OnlyInB);
    }

    public static void OneSided(ScriptComparison s, Action<string, IReadOnlyList<string>> write)
    {
        if (s.ImagesOnlyInA.Count > 0) write("Images only in A", s.ImagesOnlyInA);
        if (s.ImagesOnlyInB.Count > 0) write("Images only in B", s.ImagesOnlyInB);
        if (s.SeriesOnlyInA.Count > 0) write("Models only in A", s.SeriesOnlyInA);
        if (s.SeriesOnlyInB.Count > 0) write("Models only in B", s.SeriesOnlyInB);
    }

    /// <summary><c>A = x, B = y</c>, each name marked up by <paramref name="code"/>.</summary>
    public static string RunsLine(Comparison c, Func<string, string> code) =>
        string.Join(", ", c.Names.Select((n, i) => $"{Compare.Letter(i)} = {code(n)}"));
}
