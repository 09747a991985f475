#nullable enable
using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>
/// Writing output files so that a crash or kill never leaves a truncated one behind (a temp file renamed over the
/// target), and clearing the temps that killed processes left.
/// </summary>
public static class Files
{
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
}
