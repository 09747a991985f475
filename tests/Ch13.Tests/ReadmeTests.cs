using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ch13.Tests;

/// <summary>
/// The README is a five-minute read whose figures and options cannot drift: every notebook number it quotes is in
/// reference/notebook.json for that script, the options it lists are the scripts' common options, its exit codes are
/// the ones the lib returns, and every docs/ page it links exists. (The restore-size figure is checked by .ci/run.)
/// </summary>
public sealed class ReadmeTests
{
    static readonly string[] Lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md"));

    [Fact]
    public void The_README_is_at_most_150_lines()
    {
        Lines.Length.Should().BeLessThanOrEqualTo(150);
    }

    [Fact]
    public void Every_notebook_number_in_the_README_is_the_notebook_s_for_that_script()
    {
        using var notebook = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "reference", "notebook.json")));
        var scripts = notebook.RootElement.GetProperty("scripts");
        var rows = NotebookRows().ToList();

        rows.Should().HaveCountGreaterThanOrEqualTo(7, "the README quotes the notebook for most scripts");
        foreach (var (script, printed) in rows)
        {
            scripts.TryGetProperty(script, out var entry).Should().BeTrue($"reference/notebook.json has {script}");
            var known = Numbers(entry).ToList();
            // "epoch 1", "epochs 23 and 34", "2×3" are positions, not figures: only numbers with a decimal point count,
            // plus the integers that notebook.json holds as values (the MNIST LR-cut and early-stop epochs).
            foreach (Match figure in Regex.Matches(printed, @"-?\d+\.\d+"))
                known.Should().Contain(n => Matches(n, figure.Value), $"README quotes {figure.Value} for {script}, and notebook.json must hold it");
        }
    }

    [Fact]
    public void The_options_every_script_takes_are_the_common_options()
    {
        var sentence = string.Join(' ', Lines.SkipWhile(l => !l.StartsWith("Every script takes")).TakeWhile(l => l.Length > 0));
        var listed = Regex.Matches(sentence.Split("plus the")[0], @"`--([a-z-]+)").Select(m => m.Groups[1].Value).ToList();

        listed.Should().BeEquivalentTo(CommonOptions.All(epochs: 1).Select(o => o.Name));
    }

    [Fact]
    public void The_exit_codes_are_the_ones_the_lib_returns()
    {
        var codes = Lines.Select(l => Regex.Match(l, @"^\| (\d+) \|")).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();

        codes.Should().Equal(0, 1, 2, 3, 130);
        RunStatuses.ExitCode(RunStatus.Completed).Should().Be(0);
        RunStatuses.ExitCode(RunStatus.EarlyStopped).Should().Be(0);
        RunStatuses.ExitCode(RunStatus.Evaluated).Should().Be(0);
        RunStatuses.ExitCode(RunStatus.Diverged).Should().Be(3);
        RunStatuses.ExitCode(RunStatus.Interrupted).Should().Be(130);
    }

    [Fact]
    public void Every_page_the_README_links_exists()
    {
        var links = Lines.SelectMany(l => Regex.Matches(l, @"\]\(((?:docs|bench)/[^)#]+)\)").Select(m => m.Groups[1].Value)).Distinct().ToList();

        links.Should().NotBeEmpty();
        links.Should().OnlyContain(link => File.Exists(Path.Combine(TestPaths.RepoRoot, link)));
    }

    // The second table's rows: "| `xor` | what the notebook printed | ch13 |".
    static IEnumerable<(string Script, string Printed)> NotebookRows() =>
        Lines.Select(l => Regex.Match(l, @"^\| `(?<script>\w+)` \| (?<printed>[^|]+) \|[^|]+\|$"))
            .Where(m => m.Success)
            .Select(m => (m.Groups["script"].Value, m.Groups["printed"].Value));

    static IEnumerable<double> Numbers(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => [element.GetDouble()],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Numbers(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Numbers),
        _ => [],
    };

    // A figure quoted with d decimals matches a notebook number that rounds to it (0.0390 is 0.039; 0.14912301 is 0.149123013…).
    static bool Matches(double number, string figure)
    {
        var decimals = figure.Length - figure.IndexOf('.') - 1;
        return number.ToString("R", CultureInfo.InvariantCulture) == figure
               || (decimals <= 15 && Math.Round(number, decimals).ToString("F" + decimals, CultureInfo.InvariantCulture) == figure);
    }
}
