using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ch13.Tests;

/// <summary>A lib file that names a type declared on a higher floor than its own.</summary>
public sealed record WrongArrow(string File, string Type, string DeclaredIn, string FromFloor, string ToFloor)
{
    public override string ToString() => $"{File} ({FromFloor}) uses {Type} from {DeclaredIn} ({ToFloor})";
}

/// <summary>
/// The lib's floors and the one-way rule between them: a file may use what its own floor and the floors below declare.
/// Checked by compiling the sources with Roslyn and resolving every name they write (doc comments are not code and
/// are not checked; neither are types only inferred, as with <c>var</c>).
/// </summary>
public static class Floors
{
    /// <summary>Bottom to top; docs/architecture.md's floors table lists them top to bottom.</summary>
    public static readonly IReadOnlyList<string> Order = ["ground", "core", "data", "plots", "lightning", "run", "tools"];

    /// <summary>The floor of a path relative to lib/ (its first folder).</summary>
    public static int Of(string relativePath)
    {
        var folder = relativePath.Replace('\\', '/').Split('/')[0];
        var floor = Order.ToList().IndexOf(folder);
        return floor >= 0 ? floor : throw new ArgumentException($"{relativePath} is not on a floor ({string.Join(", ", Order)})");
    }

    /// <summary>Every lib file, keyed by its path relative to lib/ (e.g. <c>core/Specs.cs</c>).</summary>
    public static Dictionary<string, string> LibSources()
    {
        var lib = Path.Combine(TestPaths.RepoRoot, "lib");
        return Order.Where(f => Directory.Exists(Path.Combine(lib, f)))
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(lib, f), "*.cs"))
            .ToDictionary(p => Path.GetRelativePath(lib, p).Replace('\\', '/'), File.ReadAllText);
    }

    /// <summary>The implicit usings lib/Ch13.Lib.csproj declares (dotnet-script's), as C#.</summary>
    public static string LibUsings() =>
        string.Concat(XDocument.Load(Path.Combine(TestPaths.RepoRoot, "lib", "Ch13.Lib.csproj")).Descendants("Using")
            .Select(u => $"global using {((string?)u.Attribute("Static") == "true" ? "static " : "")}{(string)u.Attribute("Include")!};\n"));

    /// <summary>
    /// The wrong arrows in <paramref name="sources"/> (path relative to lib/ → text), compiled with
    /// <paramref name="usings"/> against the framework and the packages beside the tests. Throws when they do not compile
    /// (an unresolved name could hide an arrow).
    /// </summary>
    public static List<WrongArrow> WrongArrows(IReadOnlyDictionary<string, string> sources, string usings = "")
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.CSharp12).WithDocumentationMode(DocumentationMode.None);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Value, options, path: s.Key)).ToList();
        var compilation = CSharpCompilation.Create("floors", [.. trees, CSharpSyntaxTree.ParseText(usings, options, path: "usings.cs")],
            References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        if (errors.Count > 0) throw new InvalidOperationException("the sources do not compile: " + string.Join("; ", errors));

        var arrows = new HashSet<WrongArrow>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            var from = Of(tree.FilePath);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (DeclaringType(model.GetSymbolInfo(name).Symbol) is not { } type) continue;
                foreach (var declared in type.DeclaringSyntaxReferences.Select(r => r.SyntaxTree.FilePath).Where(sources.ContainsKey))
                    if (Of(declared) > from)
                        arrows.Add(new WrongArrow(tree.FilePath, type.Name, declared, Order[from], Order[Of(declared)]));
            }
        }
        return arrows.OrderBy(a => a.File, StringComparer.Ordinal).ThenBy(a => a.Type, StringComparer.Ordinal).ToList();
    }

    // The top-level type a name stands for or belongs to (a type, or a member of one); null for locals, parameters, namespaces.
    static INamedTypeSymbol? DeclaringType(ISymbol? symbol)
    {
        var type = symbol switch
        {
            INamedTypeSymbol named => named,
            IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol.ContainingType,
            _ => null,
        };
        while (type?.ContainingType is { } outer) type = outer;
        return type?.OriginalDefinition;
    }

    // The framework, and the packages' assemblies the test build copied beside this one (not our own: they declare the lib's types).
    static readonly Lazy<List<MetadataReference>> References = new(() =>
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var names = framework.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var packages = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(p => !Path.GetFileName(p).StartsWith("Ch13.", StringComparison.Ordinal) && !names.Contains(Path.GetFileName(p)));
        return framework.Concat(packages).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    });
}
