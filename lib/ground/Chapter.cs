#nullable enable
using System.Text.Json;
using System.Text.Json.Serialization;

// The chapter manifest, scripts/chapter.json: the section scripts in the chapter's order, each with its book section,
// one-line description and outputs. The runner's listing, Runs.Start's --help line, run-all's order and the report's
// headings all read it here; nothing parses a script's source for them.

/// <summary>One section script as the manifest lists it.</summary>
public sealed record ChapterScript(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("section")] string Section,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("outputs")] IReadOnlyList<string> Outputs);

/// <summary>The whole manifest: the chapter's title and its scripts, in order.</summary>
public sealed record ChapterManifest(
    [property: JsonPropertyName("chapter")] string Chapter,
    [property: JsonPropertyName("scripts")] IReadOnlyList<ChapterScript> Scripts)
{
    /// <summary>The script of that name, or null when the manifest does not list it.</summary>
    public ChapterScript? Find(string name) => Scripts.FirstOrDefault(s => s.Name == name);

    /// <summary>The scripts' names, in the chapter's order.</summary>
    public IReadOnlyList<string> Order => [.. Scripts.Select(s => s.Name)];
}

/// <summary>Reads <c>scripts/chapter.json</c> (bounded: a manifest is a few kB).</summary>
public static class Chapter
{
    /// <summary>Where the manifest lives under a checkout.</summary>
    public static string ManifestPath(string repoRoot) => Path.Combine(repoRoot, "scripts", "chapter.json");

    const long MaxBytes = 256 * 1024;

    /// <summary>
    /// The manifest of the checkout at <paramref name="repoRoot"/>, or null when it has none (a script copied out of
    /// the checkout still runs; it just has no section or description to show). A manifest that is not a regular file,
    /// is too large or is not the manifest's JSON is an error naming it.
    /// </summary>
    public static ChapterManifest? TryLoad(string repoRoot)
    {
        var path = ManifestPath(repoRoot);
        var info = new FileInfo(path);
        if (!info.Exists) return Directory.Exists(path) ? throw new InvalidDataException($"{path}: a folder, not the manifest") : null;
        if (info.Length > MaxBytes) throw new InvalidDataException($"{path}: {info.Length} bytes, more than a manifest's {MaxBytes}");
        try
        {
            var manifest = JsonSerializer.Deserialize<ChapterManifest>(File.ReadAllText(path), new JsonSerializerOptions { MaxDepth = 8 });
            if (manifest?.Scripts is null || manifest.Scripts.Any(s => s?.Name is null || s.Section is null || s.Description is null || s.Outputs is null))
                throw new InvalidDataException($"{path}: every script needs name, section, description and outputs");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not the chapter manifest's JSON ({e.Message})");
        }
    }
}
