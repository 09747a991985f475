#nullable enable

/// <summary>
/// What an environment failure (disk full, read-only file system, no permission, a folder or file in the wrong
/// place) means for the user, as one line naming the path, what happened and what to do: the one mapping from
/// <see cref="IOException"/> / <see cref="UnauthorizedAccessException"/> to <see cref="Ch13Exception"/> (exit 1).
/// </summary>
public static class FileErrors
{
    // Linux errno values (.NET puts the raw errno in an IOException's HResult on Unix).
    public const int EPERM = 1, EIO = 5, EACCES = 13, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EFBIG = 27, ENOSPC = 28, EROFS = 30, EDQUOT = 122;

    // Windows' ERROR_DISK_FULL, bare or as an HRESULT; and the generic COR_E_IO that .NET on Linux gives when it cannot
    // preallocate a file of known length (File.WriteAllText/WriteAllBytes: "... because the disk was full"), no errno.
    const int ErrorDiskFull = 112, ErrorDiskFullHResult = unchecked((int)0x80070070), GenericIo = unchecked((int)0x80131620);

    /// <summary>The one-line error for a failed write of <paramref name="path"/> (a file, or a folder when <paramref name="isFolder"/>).</summary>
    public static Ch13Exception Writing(string path, Exception error, bool isFolder = false)
    {
        if (error is Ch13Exception known) return known;
        var (what, fix) = Describe(path, error, isFolder);
        return new Ch13Exception($"cannot write {(isFolder ? "to the output folder " : "")}{path}: {what}; {fix}.", 1, error);
    }

    /// <summary>The errno behind <paramref name="error"/> (0 when unknown): an IOException's HResult, or its inner one.</summary>
    public static int Errno(Exception error) =>
        error.HResult is > 0 and < 4096 ? error.HResult
        : error.InnerException is { } inner ? Errno(inner)
        : error is UnauthorizedAccessException ? EACCES
        : 0;

    /// <summary>What happened and what to do, decided by the errno and by what is really at the path.</summary>
    public static (string What, string Fix) Describe(string path, Exception error, bool isFolder)
    {
        const string elsewhere = "or choose another --out DIR";
        if (!isFolder && Directory.Exists(path))
            return ("it is a folder where a file belongs", $"move that folder away {elsewhere}");
        if (isFolder && File.Exists(path))
            return ("it is a file where a folder belongs", $"move that file away {elsewhere}");
        if (FileInTheWay(path) is { } file)
            return ($"{file} is a file where a folder belongs", $"move that file away {elsewhere}");
        if (error.HResult is ErrorDiskFull or ErrorDiskFullHResult || (error.HResult == GenericIo && LooksFull(path, error))) return NoSpace;
        return Errno(error) switch
        {
            ENOSPC or EDQUOT => NoSpace,
            EROFS => ("the file system is read-only", "choose a writable folder with --out DIR"),
            EACCES or EPERM => ("permission denied", $"make the folder writable (chmod u+w) {elsewhere}"),
            EISDIR => ("it is a folder where a file belongs", $"move that folder away {elsewhere}"),
            ENOTDIR => ("a part of the path is not a folder", $"check the path {elsewhere}"),
            EFBIG => ("the file is too large for the file system", elsewhere[3..]),
            EIO => ("input/output error (a failing disk or a lost network mount)", $"check the device {elsewhere}"),
            _ => (error.Message.TrimEnd('.'), $"check the folder {elsewhere}"),
        };
    }

    static readonly (string, string) NoSpace = ("no space left on the device", "free some space or choose another --out DIR (files already there are unchanged)");

    // A generic IOException from a failed preallocation: its (English) text says so, or the file system is nearly full.
    static bool LooksFull(string path, Exception error)
    {
        if (error.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            while (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir)) dir = Path.GetDirectoryName(dir);
            return dir is not null && new DriveInfo(dir).AvailableFreeSpace < 1 << 20;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return false; }
    }

    // The nearest existing ancestor of path, when it is a file (ENOTDIR: .NET reports it as "could not find a part of the path").
    static string? FileInTheWay(string path)
    {
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return null;
            if (File.Exists(dir)) return dir;
        }
        return null;
    }
}
