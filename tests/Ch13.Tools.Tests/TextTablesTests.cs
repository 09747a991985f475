using Spectre.Console;

namespace Ch13.Tools.Tests;

/// <summary>The one table model (tools/lib/TextTables.cs) and its four renderings.</summary>
public class TextTablesTests
{
    static readonly TextTable Sample = TextTable.Of(
        [new TextColumn("script"), TextColumn.Number("value"), new TextColumn("note")],
        [
            [new TextCell("xor", Link: "xor/"), "0.9000", new TextCell("ok", Style: CellStyle.Ok)],
            [new TextCell("a|b <c>"), "12.5", new TextCell("x.py", Code: true)],
            ["short"],
        ]);

    [Fact]
    public void Text_aligns_columns_two_spaces_apart_numbers_on_the_right_without_trailing_spaces()
    {
        TextTables.ToText(Sample).Should().Be(
            "script    value  note\n" +
            "xor      0.9000  ok\n" +
            "a|b <c>    12.5  x.py\n" +
            "short\n");
    }

    [Fact]
    public void Markdown_escapes_pipes_marks_right_aligned_columns_and_renders_links_and_code()
    {
        TextTables.ToMarkdown(Sample, empty: "—").Should().Be(
            "| script | value | note |\n" +
            "|---|---:|---|\n" +
            "| [xor](xor/) | 0.9000 | ok |\n" +
            "| a\\|b <c> | 12.5 | `x.py` |\n" +
            "| short | — | — |\n");
    }

    [Fact]
    public void Html_encodes_text_and_renders_links_styles_code_and_numeric_columns()
    {
        var html = TextTables.ToHtml(Sample, "summary");

        html.Should().StartWith("<table class=\"summary\"><thead><tr><th>script</th><th class=\"num\">value</th><th>note</th></tr></thead><tbody>\n");
        html.Should().Contain("<tr><td><a href=\"xor/\">xor</a></td><td class=\"num\">0.9000</td><td><span class=\"ok\">ok</span></td></tr>\n");
        html.Should().Contain("<tr><td>a|b &lt;c&gt;</td><td class=\"num\">12.5</td><td><code>x.py</code></td></tr>\n");
        html.Should().Contain("<tr><td>short</td><td class=\"num\"></td><td></td></tr>\n");
        html.Should().EndWith("</tbody></table>\n");
        TextTables.ToHtml(new TextCell("failed", Style: CellStyle.Bad)).Should().Be("<span class=\"bad\">failed</span>");
    }

    [Fact]
    public void A_terminal_table_shows_every_cell_with_markup_characters_escaped()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        console.Write(TextTables.ToTerminal(TextTable.Of([new TextColumn("name"), TextColumn.Number("n")],
            [[new TextCell("[not markup]", Style: CellStyle.Bad), "3"]])));

        output.ToString().Should().Contain("[not markup]").And.Contain("name").And.Contain("3");
        output.ToString().Should().Contain("╭", "rounded border");
    }
}
