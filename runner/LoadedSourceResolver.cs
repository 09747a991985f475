using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Ch13.Runner;

/// <summary>
/// Resolves <c>#load</c> paths relative to the loading file (like dotnet-script) and hands the compiler the bytes
/// <see cref="LoadGraph"/> already read and hashed, so the cache key always matches what was compiled.
/// </summary>
public sealed class LoadedSourceResolver(ScriptSources sources) : SourceReferenceResolver
{
    private readonly SourceFileResolver _files = new(ImmutableArray<string>.Empty, Path.GetDirectoryName(sources.MainPath));

    public override string? NormalizePath(string path, string? baseFilePath) => _files.NormalizePath(path, baseFilePath);

    public override string? ResolveReference(string path, string? baseFilePath) => _files.ResolveReference(path, baseFilePath);

    public override Stream OpenRead(string resolvedPath) =>
        sources.Find(resolvedPath) is { } file ? new MemoryStream(file.Bytes, writable: false) : _files.OpenRead(resolvedPath);

    public override bool Equals(object? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
