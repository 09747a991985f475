#nullable enable

/// <summary>
/// The width every line the pack prints itself fits (an 80-column terminal; the notebook's own epoch lines are exempt:
/// fidelity wins there), and the one way a longer line is split to fit it.
/// </summary>
public static class ConsoleLines
{
    /// <summary>The columns a printed line may use.</summary>
    public const int Width = 80;

    /// <summary>
    /// <paramref name="line"/> split at spaces into lines of at most <paramref name="width"/> columns, each after the first
    /// indented by <paramref name="indent"/>, joined by newlines. A word longer than a line (a long path) stays whole.
    /// </summary>
    public static string Wrap(string line, int width = Width, string indent = "  ")
    {
        if (line.Length <= width) return line;
        var body = line.TrimStart(' ');
        var text = new StringBuilder();
        var current = new StringBuilder(line[..(line.Length - body.Length)]); // a leading indent stays
        var fresh = true; // nothing but an indent on the current line yet
        foreach (var word in body.Split(' '))
        {
            if (!fresh && current.Length + 1 + word.Length > width)
            {
                text.Append(current).Append('\n');
                current.Clear().Append(indent);
                fresh = true;
            }
            if (!fresh) current.Append(' ');
            current.Append(word);
            fresh = false;
        }
        return text.Append(current).ToString();
    }
}
