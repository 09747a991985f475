using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;

namespace Ch13.Runner;

/// <summary>A compiled script: the submission assembly, its portable PDB, and the dlls it #r'd by path.</summary>
public sealed record CompiledScript(byte[] Assembly, byte[] Pdb, IReadOnlyList<string> LocalAssemblies);

/// <summary>
/// The outcome of compiling: the script, or the errors as <c>file(line,col): error CSxxxx: message</c>.
/// <see cref="Cacheable"/> is false when the compiler read other files than <see cref="LoadGraph"/> saw.
/// </summary>
public sealed record CompileResult(CompiledScript? Script, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, bool Cacheable);

/// <summary>
/// The only place that touches Roslyn: a cached run never calls in here, so the compiler's assemblies never load.
/// Options mirror dotnet-script 2.0: its implicit usings, the whole shared framework referenced, Release
/// optimisation, nullable warnings as errors, a portable PDB so stack traces show script file and line.
/// </summary>
public static class ScriptCompiler
{
    private static readonly string[] Imports =
    [
        "System", "System.IO", "System.Collections.Generic", "System.Console", "System.Diagnostics",
        "System.Dynamic", "System.Linq", "System.Linq.Expressions", "System.Text", "System.Threading.Tasks",
    ];

    // Assembly-version unification notes that dotnet-script hides too (roslyn#5501).
    private static readonly string[] Suppressed = ["CS1701", "CS1702", "CS1705"];

    public static CompileResult Compile(ScriptSources sources)
    {
        var main = sources.Find(sources.MainPath)!;
        var references = new NuGetReferenceResolver(PackageCatalog.ForThisRunner(), sources);
        var options = ScriptOptions.Default
            .WithFilePath(sources.MainPath)  // [CallerFilePath] and stack traces see the real path
            .WithReferences(PackageCatalog.FrameworkAssemblies().Select(p => MetadataReference.CreateFromFile(p)))
            .AddReferences(typeof(ScriptGlobals).Assembly)
            .AddReferences(references.PackageAssemblies.Select(p => MetadataReference.CreateFromFile(p)))
            .WithImports(Imports)
            .WithSourceResolver(new LoadedSourceResolver(sources))
            .WithMetadataResolver(references)
            // C# 12, the newest version every dotnet-script release from 1.5 on compiles (Roslyn 4.8+): a script
            // that compiles here then compiles under dotnet-script too. Keep in step with lib/Ch13.Lib.csproj.
            .WithLanguageVersion(LanguageVersion.CSharp12)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8);

        var script = CSharpScript.Create<object>(new MemoryStream(main.Bytes, writable: false), options, typeof(ScriptGlobals));
        var compilation = script.GetCompilation();
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(DiagnosticOptions()));

        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var emit = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));

        var shown = emit.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden && !Suppressed.Contains(d.Id)).ToList();
        var errors = shown.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => Format(d, references)).Distinct().ToList();
        var warnings = shown.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => Format(d, references)).Distinct().ToList();
        if (!emit.Success || errors.Count > 0)
            return new CompileResult(null, errors.Count > 0 ? errors : ["ch13-csx: error: compilation failed"], warnings, false);

        var compiledFiles = compilation.SyntaxTrees.Select(t => t.FilePath).ToHashSet();
        var cacheable = sources.Complete
            && compiledFiles.SetEquals(sources.Files.Select(f => f.Path))
            && references.LocalAssemblies.ToHashSet().SetEquals(sources.LocalAssemblies);
        return new CompileResult(new CompiledScript(pe.ToArray(), pdb.ToArray(), references.LocalAssemblies), [], warnings, cacheable);
    }

    /// <summary>The runner's version line, with the compiler's.</summary>
    public static string CompilerVersion() =>
        typeof(CSharpScript).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    // dotnet-script reports nullable warnings as errors; the compiler's own "/warnaserror:nullable" expands to the ids.
    private static ImmutableDictionary<string, ReportDiagnostic> DiagnosticOptions()
    {
        var nullable = CSharpCommandLineParser.Default.Parse(["/warnaserror:nullable"], ".", null).CompilationOptions.SpecificDiagnosticOptions;
        return nullable.SetItems(Suppressed.Select(id => KeyValuePair.Create(id, ReportDiagnostic.Suppress)));
    }

    // The compiler's own format, with a #r failure explained instead of "metadata file could not be found".
    private static string Format(Diagnostic diagnostic, NuGetReferenceResolver references)
    {
        var message = diagnostic.GetMessage();
        if (diagnostic.Id == "CS0006" && diagnostic.Location.IsInSource)
        {
            // The location spans the whole directive: #r "text".
            var directive = diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
            var (open, close) = (directive.IndexOf('"'), directive.LastIndexOf('"'));
            if (open >= 0 && close > open && references.Failures.TryGetValue(directive[(open + 1)..close], out var why))
                message = why;
        }
        var severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        if (!diagnostic.Location.IsInSource) return $"ch13-csx: {severity} {diagnostic.Id}: {message}";
        var span = diagnostic.Location.GetMappedLineSpan();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {diagnostic.Id}: {message}";
    }
}
