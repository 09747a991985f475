#nullable enable
using System.Text.RegularExpressions;

/// <summary>
/// Strings that came from a file (a record's script or series name, a checkpoint's entry, a log) before they become a
/// path: one segment of a bounded charset; and "is this path inside that folder", decided on the text and on what is on
/// disk without following a link.
/// </summary>
public static class SafePaths
{
    /// <summary>The longest segment accepted (well under NAME_MAX, 255 bytes).</summary>
    public const int MaxSegment = 128;

    // Letters, digits and . _ - + = @ , and a space inside; never a separator, a control character or a NUL.
    static readonly Regex SegmentChars = new(@"^[A-Za-z0-9._\-+=@, ]+$", RegexOptions.CultureInvariant);

    /// <summary>Null when <paramref name="text"/> may be one path segment, else why not (for the one-line error).</summary>
    public static string? SegmentProblem(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "it is empty";
        if (text.Length > MaxSegment) return $"it is longer than {MaxSegment} characters";
        if (text is "." or "..") return $"'{text}' names a folder, not an entry";
        if (text.IndexOfAny(['/', '\\']) >= 0) return "it holds a path separator";
        if (text.Any(char.IsControl)) return "it holds a control character";
        if (!SegmentChars.IsMatch(text)) return "it holds a character outside letters, digits, space and ._-+=@,";
        if (text != text.Trim()) return "it starts or ends with a space";
        return null;
    }

    /// <summary>True when <paramref name="text"/> is a safe single path segment (<see cref="SegmentProblem"/>).</summary>
    public static bool IsSegment(string? text) => SegmentProblem(text) is null;

    /// <summary>
    /// <paramref name="text"/>, read from <paramref name="source"/> as <paramref name="what"/>, when it is a safe single
    /// segment; else a one-line <see cref="Ch13Exception"/> (exit 1) naming the file and the problem.
    /// </summary>
    public static string Segment(string? text, string what, string source)
    {
        var problem = SegmentProblem(text);
        if (problem is null) return text!;
        var shown = text is null ? "(none)" : Printable(text);
        throw new Ch13Exception($"{source}: its {what} '{shown}' cannot name a file or folder: {problem}; fix or remove that file.");
    }

    /// <summary>
    /// True when <paramref name="path"/> is <paramref name="folder"/> itself or below it, on the text (no <c>..</c>
    /// escape) and on disk: no entry from <paramref name="folder"/> down to <paramref name="path"/> is a symbolic
    /// link (a missing tail is fine). The folder itself may sit below links the user made.
    /// </summary>
    public static bool IsInside(string path, string folder, bool allowSame = false)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (full == root) return allowSame;
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return false;
        var at = root;
        foreach (var part in full[(root.Length + 1)..].Split(Path.DirectorySeparatorChar))
        {
            at = Path.Combine(at, part);
            var kind = SafeFiles.KindOf(at);
            if (kind == EntryKind.Missing) return true;
            if (kind == EntryKind.Link) return false;
        }
        return true;
    }

    // A name as it can be shown on one line: control characters as \uXXXX, cut at twice the segment bound.
    static string Printable(string text)
    {
        var cut = text.Length > 2 * MaxSegment ? text[..(2 * MaxSegment)] + "…" : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
