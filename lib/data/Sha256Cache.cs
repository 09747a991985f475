#nullable enable
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

// Every run checks its data's sha256 (MNIST: 55 MB, ≈ 0.06 s a run). The cache remembers a file's hash under its
// stamp (SafeFiles.StampOf: device, inode, size, mtime and ctime, which every write moves), so an unchanged file is not
// read again and a changed one always is. It lives in the pack's own out/, never beside the user's data.

/// <summary>
/// sha256 of data files, remembered in one small text file (<see cref="FileName"/>, under the repository's out/): one
/// line per file, <c>&lt;sha256&gt; &lt;stamp&gt; &lt;full path&gt;</c>, at most <see cref="MaxEntries"/> lines and
/// <see cref="MaxBytes"/> bytes. The cache is only ever a shortcut: a cache file that is not a regular file, is too
/// large or has one malformed line is not trusted (a regular one is then replaced; anything else, a link or a folder,
/// is left alone and not used); a file without a stamp is hashed every time; a cache that cannot be written is left as
/// it was. It is replaced whole, by renaming a temp file created exclusively beside it.
/// </summary>
public sealed class Sha256Cache(string file, TimeSpan? settle = null)
{
    // A file changed within this time of its hash may share that ctime tick with its next write (coarse file-system
    // clocks): it is hashed but not remembered, as git treats "racy" index entries.
    readonly TimeSpan settle = settle ?? TimeSpan.FromSeconds(2);

    public const string FileName = ".data-sha256";
    public const int MaxEntries = 64;
    public const long MaxBytes = 64 * 1024;

    static readonly Regex Line = new(@"^(?<sha>[0-9a-f]{64}) (?<stamp>\d+:\d+:\d+:-?\d+:-?\d+) (?<path>/.+)$", RegexOptions.CultureInvariant);

    /// <summary>The cache file.</summary>
    public string File => file;

    /// <summary>sha256 (lowercase hex) of the regular file <paramref name="path"/>, from the cache when its stamp is unchanged.</summary>
    public string HashOf(string path)
    {
        var full = Path.GetFullPath(path);
        using var stream = SafeFiles.OpenRead(full, "data file", DataFiles.MaxDataBytes);
        var stamp = SafeFiles.StampOf(stream); // taken before reading: a write during the hash changes it for next time
        var usable = stamp is not null && SafeFiles.KindOf(Path.GetDirectoryName(file)!) == EntryKind.Folder; // never through a link
        var entries = usable ? Read() : null;
        if (entries?.FirstOrDefault(e => e.Path == full) is { } known && known.Stamp == stamp) return known.Sha256;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (entries is not null && Settled(stamp!) && !full.Contains('\n') && !full.Contains('\r'))
            Write([new(sha256, stamp!, full), .. entries.Where(e => e.Path != full).Take(MaxEntries - 1)]);
        return sha256;
    }

    // The stamp's ctime (its last field, ns since the epoch) is at least `settle` in the past.
    bool Settled(string stamp) =>
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 - long.Parse(stamp[(stamp.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)
            >= (long)settle.TotalMilliseconds * 1_000_000;

    sealed record Entry(string Sha256, string Stamp, string Path);

    // The entries ([] for a missing, oversized or malformed cache file), or null when something other than a regular
    // file is at its path (then it is neither used nor replaced).
    List<Entry>? Read()
    {
        var kind = SafeFiles.KindOf(file);
        if (kind == EntryKind.Missing) return [];
        if (kind != EntryKind.File) return null;
        string text;
        try { text = SafeFiles.ReadAllText(file, "hash cache", MaxBytes); }
        catch (Ch13Exception) { return []; }
        var entries = new List<Entry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Line.Match(line);
            if (!match.Success || entries.Count == MaxEntries) return [];
            entries.Add(new(match.Groups["sha"].Value, match.Groups["stamp"].Value, match.Groups["path"].Value));
        }
        return entries;
    }

    void Write(IReadOnlyList<Entry> entries)
    {
        var folder = Path.GetDirectoryName(file)!;
        var temp = Files.TempPath(folder, file);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
                foreach (var e in entries) writer.Write($"{e.Sha256} {e.Stamp} {e.Path}\n");
            // Only over a regular file or nothing: another process may have put something else there meanwhile.
            if (SafeFiles.KindOf(file) is EntryKind.File or EntryKind.Missing) System.IO.File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        finally
        {
            try { System.IO.File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
