using System.Text.RegularExpressions;

namespace Ch13.Tests;

/// <summary>The floors of lib/ are one-way: each file uses only its own floor and the floors below (<see cref="Floors"/>).</summary>
public sealed class LayerTests
{
    [Fact]
    public void No_lib_file_uses_a_type_declared_on_a_higher_floor()
    {
        var arrows = Floors.WrongArrows(Floors.LibSources(), Floors.LibUsings());
        string.Join("\n", arrows).Should().BeEmpty("the floors are {0}, bottom to top", string.Join(" < ", Floors.Order));
    }

    [Fact]
    public void A_wrong_arrow_is_reported_with_its_file_type_and_floors()
    {
        var sources = new Dictionary<string, string>
        {
            ["core/Low.cs"] = "public static class Low { public static int Twice => High.One * 2; }",
            ["run/High.cs"] = "public static class High { public static int One => 1; public static int Three => Low.Twice + One; }",
        };
        Floors.WrongArrows(sources).Should().Equal(new WrongArrow("core/Low.cs", "High", "run/High.cs", "core", "run"));
    }

    [Fact]
    public void A_type_named_only_as_a_generic_argument_or_a_nested_member_still_counts()
    {
        var sources = new Dictionary<string, string>
        {
            ["ground/Base.cs"] = "public static class Base { public static int Count(System.Collections.Generic.List<Top.Inner> items) => items.Count; }",
            ["plots/Top.cs"] = "public static class Top { public sealed class Inner { } }",
        };
        Floors.WrongArrows(sources).Should().Equal(new WrongArrow("ground/Base.cs", "Top", "plots/Top.cs", "ground", "plots"));
    }

    [Fact]
    public void The_architecture_doc_lists_the_same_floors_top_to_bottom()
    {
        var doc = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "docs", "architecture.md"));
        var header = Array.FindIndex(doc, l => l.StartsWith("| floor |", StringComparison.Ordinal));
        header.Should().BeGreaterThan(0, "docs/architecture.md has a table headed | floor |");
        var floors = doc.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => Regex.Match(l, @"^\|\s*`(\w+)/?`").Groups[1].Value).ToList();
        floors.Should().Equal(Floors.Order.Reverse());
    }

    [Fact]
    public void Every_lib_folder_is_a_floor()
    {
        Directory.EnumerateDirectories(Path.Combine(TestPaths.RepoRoot, "lib")).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj")).Should().OnlyContain(d => Floors.Order.Contains(d!));
    }
}
