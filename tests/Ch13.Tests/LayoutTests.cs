using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Ch13.Tests;

/// <summary>
/// The layout the lib promises: the script hub (lib/ch13.csx) and the lib project compile the same files, likewise the
/// tools' hub and project, and no section script loads the tooling.
/// </summary>
public sealed class LayoutTests
{
    static readonly string Root = TestPaths.RepoRoot;

    [Fact]
    public void The_lib_project_compiles_exactly_the_files_lib_ch13_csx_loads()
    {
        var hub = Path.Combine(Root, "lib", "ch13.csx");
        Loads(hub).Should().BeEquivalentTo(Compiled(Path.Combine(Root, "lib", "Ch13.Lib.csproj")));
    }

    [Fact]
    public void The_tools_project_compiles_exactly_the_tool_modules_tools_csx_loads_on_top_of_the_lib()
    {
        var hub = Path.Combine(Root, "tools", "tools.csx");
        var loads = Loads(hub);
        loads.Should().Contain(Path.Combine(Root, "lib", "ch13.csx"));
        loads.Where(p => p.EndsWith(".cs")).Should().BeEquivalentTo(Compiled(Path.Combine(Root, "tools", "Ch13.Tools.csproj")));
    }

    [Fact]
    public void Every_lib_file_sits_in_a_layer_folder_and_every_layer_is_loaded()
    {
        var layers = Floors.Order.Where(f => f != "tools").ToArray(); // tools/lib sits outside lib/
        Directory.EnumerateDirectories(Path.Combine(Root, "lib")).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj")).Should().BeEquivalentTo(layers);
        Directory.EnumerateFiles(Path.Combine(Root, "lib"), "*.cs").Should().BeEmpty("lib files live in their layer's folder");
        var loaded = Loads(Path.Combine(Root, "lib", "ch13.csx"));
        foreach (var layer in layers)
            loaded.Should().Contain(p => Path.GetFileName(Path.GetDirectoryName(p)) == layer);
    }

    [Fact]
    public void Section_scripts_load_the_lib_hub_only_never_the_tools()
    {
        var scripts = Directory.EnumerateFiles(Path.Combine(Root, "scripts"), "*.csx").ToList();
        scripts.Should().NotBeEmpty();
        foreach (var script in scripts)
            Loads(script).Should().Equal([Path.Combine(Root, "lib", "ch13.csx")], $"{Path.GetFileName(script)} loads the lib and nothing else");
    }

    /// <summary>The full paths a .csx file #loads, in order.</summary>
    static List<string> Loads(string csx) =>
        File.ReadLines(csx)
            .Select(line => Regex.Match(line, """^\s*#load\s+"([^"]+)"\s*$"""))
            .Where(m => m.Success)
            .Select(m => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csx)!, m.Groups[1].Value)))
            .ToList();

    /// <summary>The files a project's Compile items match (folder/*.cs globs, as the lib projects use).</summary>
    static List<string> Compiled(string csproj)
    {
        var dir = Path.GetDirectoryName(csproj)!;
        var globs = XDocument.Load(csproj).Descendants("Compile")
            .SelectMany(c => ((string?)c.Attribute("Include") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        globs.Should().OnlyContain(g => Regex.IsMatch(g, @"^[\w/]+/\*\.cs$"), "the projects list folders, not single files");
        return globs.SelectMany(g => Directory.EnumerateFiles(Path.Combine(dir, Path.GetDirectoryName(g)!), "*.cs"))
            .Select(Path.GetFullPath).ToList();
    }
}
