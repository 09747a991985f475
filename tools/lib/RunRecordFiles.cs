#nullable enable
using System.Text.Json;

/// <summary>
/// Reading a run record back from its file (metrics.json), bounded: a regular file (not a symbolic link) of at most
/// <see cref="MaxBytes"/>, nested at most <see cref="MaxDepth"/> deep, of this ch13's schema version.
/// </summary>
public static class RunRecordFiles
{
    /// <summary>Far above any record the chapter writes (a full mnist run's is under 1 MB).</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    /// <summary>A record nests about eight levels (series, history, an epoch; a script's config a few more).</summary>
    public const int MaxDepth = 32;

    /// <summary>The record in <paramref name="path"/>; throws <see cref="Ch13Exception"/> (exit 1) when it is missing, too large, too deep or not a record.</summary>
    public static RunRecord Read(string path)
    {
        byte[] bytes;
        // A regular file only (a link, a FIFO or a device is refused before it is opened, so nothing blocks), capped.
        try { bytes = SafeFiles.ReadAllBytes(path, "run record", MaxBytes); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Ch13Exception($"cannot read {path}: {e.Message}", 1, e);
        }
        if (bytes.Length > MaxBytes) throw new Ch13Exception($"{path} is more than a run record's {MaxBytes} bytes", 1); // grew while read
        CheckDepth(bytes, path);
        return RunRecords.Parse(new UTF8Encoding(false).GetString(bytes), path);
    }

    /// <summary>The record in <paramref name="path"/>, or null when it is missing or unreadable (a failed run leaves none).</summary>
    public static RunRecord? TryRead(string path) => TryReadSaying(path).Record;

    /// <summary>
    /// The record in <paramref name="path"/>; or no record and no problem when nothing is there (a failed run leaves
    /// none); or no record and the one line that names the file and what is wrong with it.
    /// </summary>
    public static (RunRecord? Record, string? Problem) TryReadSaying(string path)
    {
        if (SafeFiles.KindOf(path) == EntryKind.Missing) return (null, null);
        try { return (Read(path), null); }
        catch (Ch13Exception e) { return (null, e.Message); }
    }

    // Walks the tokens once with a depth limit, so a deeply nested file is refused before anything is built from it.
    static void CheckDepth(byte[] bytes, string path)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try { while (reader.Read()) { } }
        catch (JsonException e) { throw new Ch13Exception($"{path} is not a ch13 run record: {e.Message}", 1, e); }
    }
}
