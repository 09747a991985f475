using Microsoft.Extensions.DependencyModel;

namespace Ch13.Runner;

/// <summary>A package a script asked for: its assemblies to reference, or why it cannot have it.</summary>
public sealed record PackageLookup(IReadOnlyList<string> AssemblyPaths, string? Error);

/// <summary>
/// The NuGet packages this runner was built with, read from its own deps.json. A script's
/// <c>#r "nuget: Name, Version"</c> gets that package's runtime assemblies plus its transitive dependencies';
/// they are already on the runner's trusted-platform list, so they load at run time like the runner's own.
/// </summary>
public sealed class PackageCatalog
{
    private const string ProjectFile = "runner/Ch13.Runner.csproj";

    private readonly Dictionary<string, RuntimeLibrary> _packages;
    private readonly IReadOnlyList<RuntimeLibrary> _direct;
    private readonly Dictionary<string, string> _appAssemblies;

    private PackageCatalog(DependencyContext context)
    {
        _packages = context.RuntimeLibraries.Where(l => l.Type == "package")
            .ToDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase);
        var self = context.RuntimeLibraries.FirstOrDefault(l => l.Type == "project");
        _direct = (self?.Dependencies ?? [])
            .Select(d => _packages.GetValueOrDefault(d.Name))
            .OfType<RuntimeLibrary>()
            .Where(l => !IsRunnerInternal(l.Name))
            .ToList();
        _appAssemblies = TrustedAssemblies()
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    public static PackageCatalog ForThisRunner() =>
        new(DependencyContext.Default ?? throw new InvalidOperationException("ch13-csx: its deps.json is missing; rebuild the runner"));

    /// <summary>The packages the runner references itself (what its csproj lists for scripts), as "Name Version".</summary>
    public IEnumerable<string> Provided => _direct.Select(l => $"{l.Name} {l.Version}");

    /// <summary>
    /// Packages a script names that the runner provides under another name: TorchSharp-cpu is TorchSharp plus every
    /// platform's libtorch, and the runner carries TorchSharp with this platform's libtorch only (its csproj).
    /// </summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase) { ["TorchSharp-cpu"] = "TorchSharp" };

    public PackageLookup Find(string name, string? version)
    {
        var asked = name;
        if (!_packages.ContainsKey(name) && Aliases.TryGetValue(name, out var provided)) name = provided;
        if (!_packages.TryGetValue(name, out var package))
            return new([], $"ch13-csx does not provide the package '{name}' (it provides {string.Join(", ", Provided)} and their dependencies); "
                + $"add a PackageReference for it to {ProjectFile} (and its version to Directory.Packages.props), or remove the #r line");
        if (version is not null && !SameVersion(version, package.Version))
            return new([], $"ch13-csx provides {package.Name} {package.Version} only, not {version}; "
                + $"change the #r line to \"nuget: {asked}, {package.Version}\", "
                + $"or change {package.Name}'s version in Directory.Packages.props (used by {ProjectFile}) and rebuild the runner");
        return new(Closure(package).SelectMany(AssemblyPaths).Distinct().ToList(), null);
    }

    private IEnumerable<RuntimeLibrary> Closure(RuntimeLibrary root)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<RuntimeLibrary>([root]);
        while (pending.TryPop(out var library))
        {
            if (!seen.Add(library.Name)) continue;
            yield return library;
            foreach (var dependency in library.Dependencies)
                if (_packages.TryGetValue(dependency.Name, out var next)) pending.Push(next);
        }
    }

    // The RID-neutral assets are what to compile against; the host already picked the files that run.
    private IEnumerable<string> AssemblyPaths(RuntimeLibrary library)
    {
        var group = library.RuntimeAssemblyGroups.FirstOrDefault(g => string.IsNullOrEmpty(g.Runtime))
            ?? library.RuntimeAssemblyGroups.FirstOrDefault();
        foreach (var asset in group?.AssetPaths ?? [])
        {
            var fileName = Path.GetFileName(asset);
            if (_appAssemblies.TryGetValue(Path.GetFileNameWithoutExtension(fileName), out var path)) yield return path;
            else if (File.Exists(Path.Combine(AppContext.BaseDirectory, fileName))) yield return Path.Combine(AppContext.BaseDirectory, fileName);
        }
    }

    private static IEnumerable<string> TrustedAssemblies() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The whole shared framework (like dotnet-script), so System.Text.Json and friends need no #r.</summary>
    public static IEnumerable<string> FrameworkAssemblies()
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
        return TrustedAssemblies().Where(p => Path.GetDirectoryName(p) == frameworkDir);
    }

    // The runner's own plumbing is not on offer to scripts' error messages (it still resolves if asked for).
    private static bool IsRunnerInternal(string name) =>
        name.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Microsoft.Extensions.DependencyModel", StringComparison.OrdinalIgnoreCase);

    // NuGet treats 8.1 and 8.1.0 as one version.
    private static bool SameVersion(string asked, string provided) =>
        Version.TryParse(Pad(asked), out var a) && Version.TryParse(Pad(provided), out var p)
            ? a == p
            : string.Equals(asked.Trim(), provided, StringComparison.OrdinalIgnoreCase);

    private static string Pad(string version)
    {
        var parts = version.Trim().Split('.').ToList();
        while (parts.Count < 4) parts.Add("0");
        return string.Join('.', parts);
    }
}
