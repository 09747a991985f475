namespace Ch13.Tests;

/// <summary>ConsoleLines.Wrap: how a line the pack prints is split to fit 80 columns.</summary>
public sealed class ConsoleLinesTests
{
    [Fact]
    public void A_line_that_fits_is_left_alone()
    {
        var line = new string('x', 80);
        ConsoleLines.Wrap(line).Should().BeSameAs(line);
        ConsoleLines.Wrap("Epoch 0  Loss 504.8686").Should().Be("Epoch 0  Loss 504.8686");
    }

    [Fact]
    public void A_longer_line_is_split_at_spaces_into_indented_lines_that_fit()
    {
        var words = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"word{i}"));
        var lines = ConsoleLines.Wrap(words).Split('\n');

        lines.Should().HaveCountGreaterThan(1).And.OnlyContain(l => l.Length <= 80);
        lines.Skip(1).Should().OnlyContain(l => l.StartsWith("  ") && !l.StartsWith("   "));
        string.Join(' ', lines.Select(l => l.Trim())).Should().Be(words, "nothing is lost or reordered");
    }

    [Fact]
    public void A_leading_indent_stays_and_a_word_longer_than_a_line_stays_whole()
    {
        var path = "/" + new string('p', 90);
        var lines = ConsoleLines.Wrap($"  Previous results kept in {path}/").Split('\n');

        lines.Should().Equal("  Previous results kept in", $"  {path}/");
    }
}
