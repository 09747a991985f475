#nullable enable
using System.Globalization;
using System.Threading;

/// <summary>
/// Who holds an output folder: the process (<see cref="Pid"/> and its start time, so a reused PID is not
/// mistaken for the holder) and what it runs, as written in the folder's <c>.lock</c> file.
/// </summary>
public sealed record FolderLock(string Path, int Pid, DateTime ProcessStartUtc, string Owner, DateTimeOffset Started);

/// <summary>
/// Keeping two runs out of one output folder: a <c>.lock</c> file created with O_EXCL, naming its process; a lock whose
/// process is gone is taken over.
/// </summary>
public static class FolderLocks
{
    /// <summary>The lock file's name inside a locked folder (hidden, like the temp files).</summary>
    public const string LockName = ".lock";
    /// <summary>
    /// Takes <paramref name="folder"/>'s <c>.lock</c> for this process. A lock whose process is gone (killed, or
    /// its PID reused by another program) is taken over; one held by a live run throws <see cref="Ch13Exception"/>
    /// naming it (<paramref name="display"/> is how the folder is shown). Taking it again in the same process is fine.
    /// </summary>
    public static FolderLock Take(string folder, string owner, DateTimeOffset started, string display) =>
        TakeFile(Path.Combine(folder, LockName), owner, started, display);

    /// <summary>
    /// <see cref="Take(string, string, DateTimeOffset, string)"/> with the lock file at <paramref name="path"/> (a run folder's lock lives beside it:
    /// <see cref="RunSets.LockPath"/>).
    /// </summary>
    public static FolderLock TakeFile(string path, string owner, DateTimeOffset started, string display)
    {
        var mine = new FolderLock(path, Environment.ProcessId, ProcessStartUtc(), owner, started);
        try { return Take(mine, display); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Writing(path, e);
        }
    }

    static FolderLock Take(FolderLock mine, string display)
    {
        var path = mine.Path;
        if (Directory.Exists(path))
            throw new Ch13Exception($"cannot lock {display}: {path} is a folder where the run's lock file belongs; remove it (rmdir) or choose another --out.");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (TryCreateLock(mine)) return mine;
            var holder = Read(path);
            if (holder is null && File.Exists(path)) holder = WaitForLockText(path);
            if (holder?.Pid == mine.Pid)
            {
                File.WriteAllText(path, LockText(mine));
                return mine;
            }
            if (holder is not null && Files.IsAlive(holder.Pid, holder.ProcessStartUtc))
                throw new Ch13Exception(
                    $"{display} is in use by PID {holder.Pid} ({holder.Owner}, started {holder.Started.LocalDateTime:yyyy-MM-dd HH:mm:ss}); " +
                    "wait for it or choose another --out.");
            RemoveStaleLock(path);
        }
        throw new Ch13Exception($"could not lock {display}: other runs keep taking it; wait for them or choose another --out.");
    }

    /// <summary>Removes the lock if this process still holds it (never another run's).</summary>
    public static void Release(FolderLock folderLock)
    {
        try
        {
            if (Read(folderLock.Path)?.Pid == folderLock.Pid) File.Delete(folderLock.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The lock in <paramref name="path"/>, or null when it is absent or unreadable.</summary>
    public static FolderLock? Read(string path)
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
            if (Read(path) is { } holder) return holder;
            if (!File.Exists(path)) return null;
        }
        return null;
    }

    // Moved aside first: if two runs find the same stale lock, only one rename succeeds. Should the file moved
    // turn out to be a live run's fresh lock (it replaced the stale one in between), it is put back.
    static void RemoveStaleLock(string path)
    {
        var aside = Files.TempPath(Path.GetDirectoryName(path)!, path);
        try { File.Move(path, aside); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        var moved = Read(aside);
        if (moved is not null && moved.Pid != Environment.ProcessId && Files.IsAlive(moved.Pid, moved.ProcessStartUtc))
        {
            try { File.Move(aside, path); return; }
            catch (IOException) { }
        }
        try { File.Delete(aside); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
