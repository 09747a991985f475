#nullable enable
using System.Net;
using Spectre.Console;

// One table model for every table the tools print or write: columns with an alignment, rows of
// cells with optional emphasis, link and code marking; rendered to aligned console text, a Spectre terminal table,
// Markdown and HTML. (The pandas-style frames of lib/data/Tables.cs are a different thing.)

/// <summary>Which side a column's cells line up on: text left, numbers right.</summary>
public enum TextAlign { Left, Right }

/// <summary>A cell's emphasis: a colour on a terminal (green, red, grey, bold, yellow), in HTML a CSS class (ok, bad, muted), <c>strong</c> or <c>mark</c>; Markdown and plain text show it plain.</summary>
public enum CellStyle { Plain, Ok, Bad, Muted, Strong, Highlight }

/// <summary>A column: its header and how its cells line up.</summary>
public sealed record TextColumn(string Header, TextAlign Align = TextAlign.Left)
{
    public static TextColumn Number(string header) => new(header, TextAlign.Right);
}

/// <summary>
/// One cell: its text, where it links to (a relative URL or <c>#anchor</c>, already escaped), its emphasis, and whether
/// it is code. A string converts to a plain cell.
/// </summary>
public sealed record TextCell(string Text, string? Link = null, CellStyle Style = CellStyle.Plain, bool Code = false)
{
    public static implicit operator TextCell(string? text) => new(text ?? "");
}

/// <summary>A table: its columns and its rows (each row one cell per column; a shorter row leaves the rest empty).</summary>
public sealed record TextTable(IReadOnlyList<TextColumn> Columns, IReadOnlyList<IReadOnlyList<TextCell>> Rows)
{
    public static TextTable Of(IReadOnlyList<TextColumn> columns, IEnumerable<IReadOnlyList<TextCell>> rows) => new(columns, rows.ToList());

    /// <summary>The cell of <paramref name="row"/> in column <paramref name="column"/>, empty when the row is shorter.</summary>
    public TextCell Cell(IReadOnlyList<TextCell> row, int column) => column < row.Count ? row[column] : Empty;

    static readonly TextCell Empty = new("");
}

/// <summary>Renders a <see cref="TextTable"/> as console text, a terminal table, Markdown or HTML.</summary>
public static class TextTables
{
    /// <summary>
    /// Aligned plain text for logs and pipes: the header line, then a line per row; columns two spaces apart, numbers
    /// padded on the left, no trailing spaces.
    /// </summary>
    public static string ToText(TextTable table)
    {
        var lines = new List<IReadOnlyList<string>> { table.Columns.Select(c => c.Header).ToList() };
        lines.AddRange(table.Rows.Select(row => table.Columns.Select((_, c) => OneLine(table.Cell(row, c).Text)).ToList()));
        var widths = table.Columns.Select((_, c) => lines.Max(l => l[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var line in lines)
            text.Append(string.Join("  ", line.Select((cell, c) =>
                table.Columns[c].Align == TextAlign.Right ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        return text.ToString();
    }

    /// <summary>A GitHub-flavoured Markdown table; an empty cell shows <paramref name="empty"/> (a space by default).</summary>
    public static string ToMarkdown(TextTable table, string empty = " ")
    {
        var md = new StringBuilder("| " + string.Join(" | ", table.Columns.Select(c => EscapeMarkdown(c.Header))) + " |\n");
        md.Append('|').Append(string.Join("|", table.Columns.Select(c => c.Align == TextAlign.Right ? "---:" : "---"))).Append("|\n");
        foreach (var row in table.Rows)
            md.Append("| ").Append(string.Join(" | ", table.Columns.Select((_, c) => MarkdownCell(table.Cell(row, c), empty)))).Append(" |\n");
        return md.ToString();
    }

    static string MarkdownCell(TextCell cell, string empty)
    {
        if (cell.Text.Length == 0) return empty;
        var text = EscapeMarkdown(cell.Text);
        if (cell.Code) text = $"`{text}`";
        return cell.Link is null ? text : $"[{text}]({cell.Link})";
    }

    static string EscapeMarkdown(string text) => OneLine(text).Replace("|", "\\|");

    /// <summary>An HTML table with class <paramref name="cssClass"/>; right-aligned columns get class <c>num</c>.</summary>
    public static string ToHtml(TextTable table, string cssClass = "")
    {
        string Open(string tag, int column) => table.Columns[column].Align == TextAlign.Right ? $"<{tag} class=\"num\">" : $"<{tag}>";
        var html = new StringBuilder($"<table class=\"{Encode(cssClass)}\"><thead><tr>");
        for (var c = 0; c < table.Columns.Count; c++) html.Append(Open("th", c)).Append(Encode(table.Columns[c].Header)).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (var c = 0; c < table.Columns.Count; c++) html.Append(Open("td", c)).Append(ToHtml(table.Cell(row, c))).Append("</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</tbody></table>\n").ToString();
    }

    /// <summary>One cell as HTML, for use outside a table (a status in a sentence).</summary>
    public static string ToHtml(TextCell cell)
    {
        if (cell.Text.Length == 0) return "";
        var html = Encode(cell.Text);
        if (cell.Code) html = $"<code>{html}</code>";
        if (Mark(cell.Style) is { } mark) html = mark.Open + html + mark.Close;
        return cell.Link is null ? html : $"<a href=\"{Encode(cell.Link)}\">{html}</a>";
    }

    static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A rounded Spectre.Console table for a terminal: styles as colours (ok green, bad red, muted grey, strong bold, highlight yellow).</summary>
    public static Table ToTerminal(TextTable table)
    {
        var terminal = new Table().Border(TableBorder.Rounded);
        foreach (var column in table.Columns)
            terminal.AddColumn(new TableColumn(Markup.Escape(column.Header)) { Alignment = column.Align == TextAlign.Right ? Justify.Right : Justify.Left });
        foreach (var row in table.Rows)
            terminal.AddRow(table.Columns.Select((_, c) => TerminalCell(table.Cell(row, c))).ToArray());
        return terminal;
    }

    static string TerminalCell(TextCell cell)
    {
        var text = Markup.Escape(OneLine(cell.Text));
        if (text.Length == 0) return "";
        return Mark(cell.Style) is { } mark ? $"[{mark.Colour}]{text}[/]" : text;
    }

    // Each emphasis as an HTML element around the text and as a Spectre style; none for plain text.
    static (string Open, string Close, string Colour)? Mark(CellStyle style) => style switch
    {
        CellStyle.Ok => ("<span class=\"ok\">", "</span>", "green"),
        CellStyle.Bad => ("<span class=\"bad\">", "</span>", "red"),
        CellStyle.Muted => ("<span class=\"muted\">", "</span>", "grey"),
        CellStyle.Strong => ("<strong>", "</strong>", "bold"),
        CellStyle.Highlight => ("<mark>", "</mark>", "yellow"),
        _ => null,
    };

    static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
