namespace Ch13.Tools.Tests;

/// <summary>The check of run-all's summary on a terminal, shared by BatchTerminalTests and the pseudo-terminal test (Ch13.Runner.Tests/SeedSweepTests).</summary>
public static class TerminalWords
{
    static readonly char[] Separators = [' ', '│', '╭', '╮', '╰', '╯', '─', '┬', '┴', '┼', '├', '┤', '\n'];

    /// <summary>
    /// Fails unless every line of <paramref name="rendered"/> fits <paramref name="width"/> and every word on screen is a
    /// whole word of a cell or header of <paramref name="tables"/> (a split word leaves fragments that are neither), and
    /// every script's name is on screen.
    /// </summary>
    public static void ShouldFitWithWholeWords(string rendered, int width, IEnumerable<string> scripts, params TextTable[] tables)
    {
        var lines = rendered.TrimEnd('\n').Split('\n');
        lines.Should().AllSatisfy(l => l.Length.Should().BeLessThanOrEqualTo(width, $"the line '{l}' fits {width} columns"));
        var words = tables.SelectMany(t => t.Columns.Select(c => c.Header).Concat(t.Rows.SelectMany(r => r.Select(c => c.Text))))
            .SelectMany(text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        var onScreen = rendered.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        onScreen.Should().AllSatisfy(w => words.Should().Contain(w, $"'{w}' is a whole word of a cell (not part of a split one)"));
        onScreen.Should().Contain(scripts);
    }
}
