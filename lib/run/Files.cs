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
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = TempPath(folder, path);
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllTextAtomic(string path, string text) =>
        WriteAtomic(path, temp => File.WriteAllText(temp, text));

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
    public static FolderLock TakeLock(string folder, string owner, DateTimeOffset started, string display)
    {
        var path = Path.Combine(folder, LockName);
        var mine = new FolderLock(path, Environment.ProcessId, ProcessStartUtc(), owner, started);
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
