using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ch13.Tests;

/// <summary>
/// scripts/chapter.json is the one list of the chapter's scripts: the folder, the README's table and the notebook's
/// numbers agree with it.
/// </summary>
public sealed class ChapterManifestTests
{
    static readonly ChapterManifest Manifest = Chapter.TryLoad(TestPaths.RepoRoot)!;

    [Fact]
    public void The_manifest_lists_every_script_in_scripts_once()
    {
        Manifest.Should().NotBeNull();
        Manifest.Order.Should().OnlyHaveUniqueItems();
        Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "scripts"), "*.csx").Select(Path.GetFileNameWithoutExtension)
            .Should().BeEquivalentTo(Manifest.Order);
    }

    [Fact]
    public void The_README_s_scripts_table_has_the_manifest_s_scripts_in_its_order_with_their_outputs()
    {
        var rows = ReadmeRows();

        rows.Select(r => r.Script).Should().Equal(Manifest.Order);
        foreach (var (script, outputs) in rows)
            outputs.Should().Equal(Manifest.Find(script)!.Outputs, (shown, listed) => shown == listed || (listed.EndsWith('/') && shown.StartsWith(listed)),
                $"README's row for scripts/{script}.csx names the outputs scripts/chapter.json lists");
    }

    [Fact]
    public void Every_script_in_notebook_json_is_in_the_manifest()
    {
        using var notebook = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "reference", "notebook.json")));

        var scripts = notebook.RootElement.GetProperty("scripts").EnumerateObject().Select(p => p.Name).ToList();

        scripts.Should().NotBeEmpty().And.OnlyContain(name => Manifest.Order.Contains(name));
    }

    // The README's "| chapter section | script | writes to out/<script>/ |" rows: the script and the files it names outside
    // parentheses (lightning's "lightning_logs/version_N/ (metrics.csv, …)" is the folder lightning_logs/).
    static List<(string Script, List<string> Outputs)> ReadmeRows() =>
        File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md"))
            .Select(line => Regex.Match(line, @"^\|[^|]*\|\s*`scripts/(?<name>\w+)\.csx`[^|]*\|(?<outputs>[^|]*)\|\s*$"))
            .Where(m => m.Success)
            .Select(m => (m.Groups["name"].Value,
                Regex.Matches(Regex.Replace(m.Groups["outputs"].Value, @"\([^)]*\)", ""), "`([^`]+)`").Select(o => o.Groups[1].Value).ToList()))
            .ToList();
}
