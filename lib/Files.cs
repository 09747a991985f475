#nullable enable

/// <summary>Writing output files so that a crash or kill never leaves a truncated one behind.</summary>
public static class Files
{
    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file in the same folder, then renames it over
    /// <paramref name="path"/> (an atomic replace on one file system). On failure the temp file is removed
    /// and whatever was at <paramref name="path"/> before is left untouched.
    /// </summary>
    public static void WriteAtomic(string path, Action<string> write)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        // Keep the extension last: some writers (image encoders) choose the format from it.
        var temp = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp{Path.GetExtension(path)}");
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
}
