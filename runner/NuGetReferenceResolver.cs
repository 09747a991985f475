using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Ch13.Runner;

/// <summary>
/// Resolves a script's <c>#r</c> lines: <c>"nuget: Name, Version"</c> against the runner's own packages,
/// anything else as a dll path relative to the file holding the directive. Nothing is downloaded.
/// Failures are remembered so the compile error can say what to change instead of "metadata file not found".
/// </summary>
/// <remarks>
/// The compiler takes one reference per directive, so, like dotnet-script, the packages' assemblies are found up
/// front (<see cref="PackageAssemblies"/>, from the #r lines <see cref="LoadGraph"/> read) and added to the
/// compilation; the directive itself then resolves to the core library, which only marks it as done.
/// </remarks>
public sealed class NuGetReferenceResolver : MetadataReferenceResolver
{
    private readonly Dictionary<string, PortableExecutableReference> _byPath = [];

    public NuGetReferenceResolver(PackageCatalog packages, ScriptSources sources)
    {
        foreach (var directive in sources.Files.SelectMany(f => f.Directives).Where(d => d.Kind == "r" && d.IsNuGet))
        {
            TryParseNuGet(directive.Argument, out var name, out var version);
            var lookup = packages.Find(name, version);
            if (lookup.Error is not null) Failures[directive.Argument] = lookup.Error;
            PackageAssemblies.UnionWith(lookup.AssemblyPaths);
        }
    }

    /// <summary>Every assembly of every package the script's #r lines name, with their dependencies.</summary>
    public SortedSet<string> PackageAssemblies { get; } = new(StringComparer.Ordinal);

    /// <summary>Why a #r text could not be resolved, keyed by the text as written.</summary>
    public Dictionary<string, string> Failures { get; } = [];

    /// <summary>Dll files referenced by path: the compiled script needs them found again at run time.</summary>
    public List<string> LocalAssemblies { get; } = [];

    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (TryParseNuGet(reference, out _, out _))
            return Failures.ContainsKey(reference) ? [] : [FromFile(typeof(object).Assembly.Location, properties)];

        var directory = baseFilePath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(baseFilePath)!;
        var path = Path.GetFullPath(reference, directory);
        if (!File.Exists(path))
        {
            Failures[reference] = $"the assembly '{path}' does not exist (a #r path is relative to the file that holds it)";
            return [];
        }
        if (!LocalAssemblies.Contains(path)) LocalAssemblies.Add(path);
        return [FromFile(path, properties)];
    }

    // dotnet-script's form: "nuget: Name, Version" (the version may be left out; spaces are optional).
    public static bool TryParseNuGet(string reference, out string name, out string? version)
    {
        name = "";
        version = null;
        var text = reference.Trim();
        if (!text.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)) return false;
        var parts = text["nuget:".Length..].Split(',', 2, StringSplitOptions.TrimEntries);
        name = parts[0];
        version = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
        return true;
    }

    private PortableExecutableReference FromFile(string path, MetadataReferenceProperties properties)
    {
        if (!_byPath.TryGetValue(path, out var reference))
            _byPath[path] = reference = MetadataReference.CreateFromFile(path, properties);
        return reference;
    }

    public override bool ResolveMissingAssemblies => false;
    public override bool Equals(object? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
