#nullable enable
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading;

/// <summary>
/// Who holds an output folder: the process (<see cref="Pid"/> and its start time, so a reused PID is not
/// mistaken for the holder) and what it runs, as written in the folder's <c>.lock</c> file.
/// </summary>
public sealed record FolderLock(string Path, int Pid, DateTime ProcessStartUtc, string Owner, DateTimeOffset Started);

/// <summary>
/// Writing output files so that a crash or kill never leaves a truncated one behind, and keeping two runs
/// out of one output folder.
/// </summary>
public static class Files
{
    /// <summary>The lock file's name inside a locked folder (hidden, like the temp files).</summary>
    public const string LockName = ".lock";

    // ".<name>.<pid>.<32 hex>.tmp[.ext]": hidden, and never mistaken for an output by its extension alone.
    static readonly Regex TempName = new(@"^\..*\.(?<pid>\d+)\.[0-9a-f]{32}\.tmp(\.[^.]*)?$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file in the same folder, then renames it over
    /// <paramref name="path"/> (an atomic replace on one file system). On failure the temp file is removed
    /// and whatever was at <paramref name="path"/> before is left untouched. A kill mid-write leaves at most
    /// a hidden temp file (see <see cref="IsTemp"/>), which <see cref="RemoveStaleTemps"/> clears later.
    /// </summary>
    public static void WriteAtomic(string path, Action<string> write)
    {
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        CreateFolder(folder);
        var temp = TempPath(folder, target);
        try
        {
            var fault = WriteFaults.Next();
            fault?.ThrowBefore();
            write(temp);
            fault?.ThrowAfter(temp);
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Writing(target, e);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    public static void WriteAllTextAtomic(string path, string text) =>
        WriteAtomic(path, temp => File.WriteAllText(temp, text));

    /// <summary>
    /// Creates <paramref name="folder"/> (and its parents); a failure (a file in the way, read-only file system, no
    /// permission, disk full) is a one-line <see cref="Ch13Exception"/> from <see cref="FileErrors.Writing"/>.
    /// </summary>
    public static void CreateFolder(string folder)
    {
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Writing(folder, e, isFolder: true);
        }
    }

    /// <summary>A fresh temp name in <paramref name="folder"/> for <paramref name="path"/>, extension kept last
    /// (image encoders choose the format from it).</summary>
    public static string TempPath(string folder, string path) =>
        Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp{Path.GetExtension(path)}");

    /// <summary>True for the names <see cref="WriteAtomic"/> gives its temp files.</summary>
    public static bool IsTemp(string fileName) => TempName.IsMatch(fileName);

    /// <summary>
    /// Deletes temp files left in <paramref name="folder"/> (and one level below: checkpoints/) by processes that are gone (killed mid-write);
    /// returns how many. Temps of live processes are theirs to finish.
    /// </summary>
    public static int RemoveStaleTemps(string folder)
    {
        var removed = 0;
        // The folder and one level below (checkpoints/): an --out pointed at a big tree must not mean a full walk.
        var where = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(folder, ".*", where))
        {
            var match = TempName.Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, CultureInfo.InvariantCulture, out var pid)) continue;
            if (pid == Environment.ProcessId || IsAlive(pid)) continue;
            try { File.Delete(file); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>
    /// Takes <paramref name="folder"/>'s <c>.lock</c> for this process. A lock whose process is gone (killed, or
    /// its PID reused by another program) is taken over; one held by a live run throws <see cref="Ch13Exception"/>
    /// naming it (<paramref name="display"/> is how the folder is shown). Taking it again in the same process is fine.
    /// </summary>
    public static FolderLock TakeLock(string folder, string owner, DateTimeOffset started, string display) =>
        TakeLockFile(Path.Combine(folder, LockName), owner, started, display);

    /// <summary>
    /// <see cref="TakeLock"/> with the lock file at <paramref name="path"/> (a run folder's lock lives beside it:
    /// <see cref="RunSets.LockPath"/>).
    /// </summary>
    public static FolderLock TakeLockFile(string path, string owner, DateTimeOffset started, string display)
    {
        var mine = new FolderLock(path, Environment.ProcessId, ProcessStartUtc(), owner, started);
        try { return TakeLock(mine, display); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Writing(path, e);
        }
    }

    static FolderLock TakeLock(FolderLock mine, string display)
    {
        var path = mine.Path;
        if (Directory.Exists(path))
            throw new Ch13Exception($"cannot lock {display}: {path} is a folder where the run's lock file belongs; remove it (rmdir) or choose another --out.");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (TryCreateLock(mine)) return mine;
            var holder = ReadLock(path);
            if (holder is null && File.Exists(path)) holder = WaitForLockText(path);
            if (holder?.Pid == mine.Pid)
            {
                File.WriteAllText(path, LockText(mine));
                return mine;
            }
            if (holder is not null && IsAlive(holder.Pid, holder.ProcessStartUtc))
                throw new Ch13Exception(
                    $"{display} is in use by PID {holder.Pid} ({holder.Owner}, started {holder.Started.LocalDateTime:yyyy-MM-dd HH:mm:ss}); " +
                    "wait for it or choose another --out.");
            RemoveStaleLock(path);
        }
        throw new Ch13Exception($"could not lock {display}: other runs keep taking it; wait for them or choose another --out.");
    }

    /// <summary>Removes the lock if this process still holds it (never another run's).</summary>
    public static void ReleaseLock(FolderLock folderLock)
    {
        try
        {
            if (ReadLock(folderLock.Path)?.Pid == folderLock.Pid) File.Delete(folderLock.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The lock in <paramref name="path"/>, or null when it is absent or unreadable.</summary>
    public static FolderLock? ReadLock(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return lines.Length >= 4
               && int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid)
               && DateTime.TryParse(lines[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var processStart)
               && DateTimeOffset.TryParse(lines[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started)
            ? new FolderLock(path, pid, processStart.ToUniversalTime(), lines[3], started)
            : null;
    }

    /// <summary>
    /// True when process <paramref name="pid"/> runs, and (when <paramref name="startedUtc"/> is given) is the one
    /// that started then rather than a later process given the same PID.
    /// </summary>
    public static bool IsAlive(int pid, DateTime? startedUtc = null)
    {
        Process process;
        try { process = Process.GetProcessById(pid); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
        using (process)
        {
            try
            {
                if (process.HasExited) return false;
                return startedUtc is not DateTime expected || Math.Abs((process.StartTime.ToUniversalTime() - expected).TotalSeconds) < 2;
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
            {
                return true; // it exists but will not say more: assume it is the holder
            }
        }
    }

    static DateTime ProcessStartUtc()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }

    // First line the PID (what `cat .lock` should show), then what identifies and describes the run.
    static string LockText(FolderLock l) =>
        $"{l.Pid}\n{l.ProcessStartUtc.ToString("o", CultureInfo.InvariantCulture)}\n{l.Started.ToString("o", CultureInfo.InvariantCulture)}\n{l.Owner}\n";

    // CreateNew is the atomic step (O_EXCL): of two runs, exactly one creates the file.
    static bool TryCreateLock(FolderLock l)
    {
        try
        {
            using var stream = new FileStream(l.Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(LockText(l)));
            return true;
        }
        catch (IOException) when (File.Exists(l.Path)) { return false; }
    }

    // A lock that does not parse may be one being written right now (created, content not yet in): look again
    // briefly before calling it garbage.
    static FolderLock? WaitForLockText(string path)
    {
        for (var i = 0; i < 10; i++)
        {
            Thread.Sleep(20);
            if (ReadLock(path) is { } holder) return holder;
            if (!File.Exists(path)) return null;
        }
        return null;
    }

    // Moved aside first: if two runs find the same stale lock, only one rename succeeds. Should the file moved
    // turn out to be a live run's fresh lock (it replaced the stale one in between), it is put back.
    static void RemoveStaleLock(string path)
    {
        var aside = TempPath(Path.GetDirectoryName(path)!, path);
        try { File.Move(path, aside); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        var moved = ReadLock(aside);
        if (moved is not null && moved.Pid != Environment.ProcessId && IsAlive(moved.Pid, moved.ProcessStartUtc))
        {
            try { File.Move(aside, path); return; }
            catch (IOException) { }
        }
        try { File.Delete(aside); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

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

    /// <summary>The one-line error for a failed read of <paramref name="path"/>; <paramref name="fix"/> says what to do.</summary>
    public static Ch13Exception Reading(string path, Exception error, string fix)
    {
        if (error is Ch13Exception known) return known;
        var (what, _) = Describe(path, error, isFolder: false);
        return new Ch13Exception($"cannot read {path}: {what}; {fix}.", 1, error);
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

/// <summary>
/// A fault to inject into <see cref="Files.WriteAtomic"/> (tests): the <see cref="AtWrite"/>-th atomic write from now
/// fails with errno <see cref="Errno"/>, before writing anything or, with <see cref="AfterBytes"/>, after its temp file
/// got that many bytes (a disk that fills mid-write). In-process tests use <see cref="WriteFaults.Inject"/>; a child
/// process reads <c>CH13_WRITE_FAULT=N[:bytes[:errno]]</c> once (e.g. <c>3:100:28</c>).
/// </summary>
public sealed record WriteFault(int AtWrite, long? AfterBytes = null, int Errno = FileErrors.ENOSPC)
{
    int writes;

    internal bool Counts() => Interlocked.Increment(ref writes) == AtWrite;

    internal void ThrowBefore()
    {
        if (AfterBytes is null) throw Error();
    }

    internal void ThrowAfter(string temp)
    {
        if (AfterBytes is not long bytes) return;
        using (var stream = new FileStream(temp, FileMode.OpenOrCreate, FileAccess.Write))
            if (stream.Length > bytes) stream.SetLength(bytes);
        throw Error();
    }

    IOException Error() => new($"injected fault (errno {Errno})", Errno);
}

/// <summary>The fault seam of <see cref="Files.WriteAtomic"/>: off unless a test injects a <see cref="WriteFault"/>.</summary>
public static class WriteFaults
{
    /// <summary>The environment variable a child process reads its fault from: <c>N[:bytes[:errno]]</c>.</summary>
    public const string EnvVar = "CH13_WRITE_FAULT";

    static readonly AsyncLocal<WriteFault?> Injected = new();
    static readonly Lazy<WriteFault?> FromEnvironment = new(() => Parse(Environment.GetEnvironmentVariable(EnvVar)));

    /// <summary>Makes <paramref name="fault"/> apply to this async flow (one test) until disposed.</summary>
    public static IDisposable Inject(WriteFault fault)
    {
        var before = Injected.Value;
        Injected.Value = fault;
        return new Undo(() => Injected.Value = before);
    }

    /// <summary><c>N[:bytes[:errno]]</c> as a fault; null for null or blank.</summary>
    public static WriteFault? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(':');
        try
        {
            var at = int.Parse(parts[0], CultureInfo.InvariantCulture);
            long? bytes = parts.Length > 1 && parts[1].Length > 0 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : null;
            var errno = parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : FileErrors.ENOSPC;
            return new WriteFault(at, bytes, errno);
        }
        catch (FormatException) { throw new Ch13Exception($"{EnvVar}={text} is not N[:bytes[:errno]]; fix or unset it."); }
    }

    // The fault that fires at this write, if any (each write counts once against the active fault).
    internal static WriteFault? Next() =>
        (Injected.Value ?? FromEnvironment.Value) is { } fault && fault.Counts() ? fault : null;

    sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
