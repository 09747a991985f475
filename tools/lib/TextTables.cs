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

    /// <summary>The table without the columns whose cells are empty in every row (their header alone says nothing).</summary>
    public static TextTable WithoutEmptyColumns(TextTable table)
    {
        var kept = Enumerable.Range(0, table.Columns.Count).Where(c => table.Rows.Any(r => table.Cell(r, c).Text.Trim().Length > 0)).ToList();
        return Only(table, kept);
    }

    static TextTable Only(TextTable table, IReadOnlyList<int> columns) =>
        new(columns.Select(c => table.Columns[c]).ToList(), table.Rows.Select(r => (IReadOnlyList<TextCell>)columns.Select(c => table.Cell(r, c)).ToList()).ToList());

    /// <summary>
    /// How wide <see cref="ToTerminal"/> draws the table when no cell wraps: each column's widest cell (or header) plus
    /// a space either side and a border, and the closing border.
    /// </summary>
    public static int BorderedWidth(TextTable table) =>
        1 + table.Columns.Select((column, c) => Math.Max(column.Header.Length, table.Rows.Select(r => OneLine(table.Cell(r, c).Text).Length).DefaultIfEmpty(0).Max()) + 3).Sum();

    /// <summary>
    /// <see cref="ToText"/>'s aligned lines, fitted to <paramref name="width"/> columns: empty columns left out, then the
    /// columns named in <paramref name="dropOrder"/> dropped in turn until every line fits; a last column that is still
    /// too wide wraps between words onto lines of its own, under its header. A word is never split; only a single word
    /// wider than a whole line is shortened (with "…").
    /// </summary>
    public static string ToFittedText(TextTable table, int width, IReadOnlyList<string> dropOrder)
    {
        width = Math.Max(width, 20);
        var fitted = WithoutEmptyColumns(table);
        foreach (var header in dropOrder)
        {
            if (LineWidth(fitted) <= width) break;
            fitted = Only(fitted, Enumerable.Range(0, fitted.Columns.Count).Where(c => fitted.Columns[c].Header != header).ToList());
        }
        if (LineWidth(fitted) <= width || fitted.Columns.Count < 2) return ToText(fitted);
        // Wrap the last column: it starts after the others; give it at least 20 columns, else put it on lines of its
        // own, indented.
        var last = fitted.Columns.Count - 1;
        var before = Enumerable.Range(0, last).Select(c => ColumnWidth(fitted, c) + 2).Sum();
        var indent = width - before >= 20 ? before : 4;
        var text = new StringBuilder();
        var head = Only(fitted, Enumerable.Range(0, last).ToList());
        var headLines = ToText(head with { Rows = fitted.Rows }).Split('\n');
        var rows = new List<IReadOnlyList<string>> { new[] { fitted.Columns[last].Header } };
        rows.AddRange(fitted.Rows.Select(r => WrapWords(OneLine(fitted.Cell(r, last).Text), width - indent)));
        for (var i = 0; i < rows.Count; i++)
        {
            var prefix = headLines[i];
            var first = indent == before ? prefix.PadRight(before) + rows[i].FirstOrDefault() : prefix;
            text.Append(first.TrimEnd()).Append('\n');
            foreach (var more in rows[i].Skip(indent == before ? 1 : 0)) text.Append(new string(' ', indent)).Append(more).Append('\n');
        }
        return text.ToString();
    }

    // The widest line ToText writes for the table.
    static int LineWidth(TextTable table) => Enumerable.Range(0, table.Columns.Count).Select(c => ColumnWidth(table, c)).Sum() + 2 * Math.Max(0, table.Columns.Count - 1);

    static int ColumnWidth(TextTable table, int c) =>
        Math.Max(table.Columns[c].Header.Length, table.Rows.Select(r => OneLine(table.Cell(r, c).Text).Length).DefaultIfEmpty(0).Max());

    /// <summary>
    /// Text in lines of at most <paramref name="width"/> columns, broken between words; a word longer than a line is
    /// shortened (with "…"), or with <paramref name="shorten"/> false kept whole on a line of its own (a path to copy).
    /// </summary>
    public static IReadOnlyList<string> WrapWords(string text, int width, bool shorten = true)
    {
        width = Math.Max(width, 2);
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => shorten && w.Length > width ? w[..(width - 1)] + "…" : w))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width) { lines.Add(line.ToString()); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
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
