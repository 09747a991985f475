using Deedle;

namespace Ch13.Tests;

public class AutoMpgTests
{
    static readonly Lazy<Frame<int, string>> Raw = new(() => AutoMpg.Load(TestData.AutoMpgPath));

    static Frame<int, string> ParseText(string text) => AutoMpg.Parse(new StringReader(text), "test.data");

    const string TwoRows =
        "18.0   8   307.0      130.0      3504.      12.0   70  1\t\"chevrolet chevelle malibu\"\n" +
        "25.0   4   98.00      ?          2046.      19.0   71  1\t\"ford pinto\"\n";

    [Fact]
    public void Real_file_has_398_rows_and_the_notebook_columns()
    {
        Raw.Value.RowCount.Should().Be(398);
        Raw.Value.ColumnKeys.Should().Equal("MPG", "Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration", "Model Year", "Origin");
        Raw.Value.RowKeys.Should().Equal(Enumerable.Range(0, 398));
    }

    [Fact]
    public void Real_file_tail_matches_the_notebook()
    {
        // df.tail(): row 397 is 31.0 4 119.0 82.0 2720.0 19.4 82 1
        var last = AutoMpg.Columns.Select(c => Features.Column(Raw.Value, c)[397]);
        last.Should().Equal(31.0, 4, 119.0, 82.0, 2720.0, 19.4, 82, 1);
    }

    [Fact]
    public void Real_file_has_6_missing_horsepower_values_and_nothing_else_missing()
    {
        var counts = AutoMpg.MissingCounts(Raw.Value);
        counts.Keys.Should().Equal(AutoMpg.Columns);
        counts.Values.Should().Equal(0, 0, 0, 6, 0, 0, 0, 0);
        AutoMpg.Format(counts).Split('\n')[3].Should().Be("Horsepower      6");
    }

    [Fact]
    public void Dropping_missing_rows_leaves_392_rows_keyed_0_to_391()
    {
        var clean = AutoMpg.DropMissing(Raw.Value);
        clean.RowCount.Should().Be(392);
        clean.RowKeys.Should().Equal(Enumerable.Range(0, 392));
        AutoMpg.MissingCounts(clean).Values.Should().OnlyContain(n => n == 0);
        // After reset_index the notebook's row 391 is the file's last row.
        Features.Column(clean, "Weight")[391].Should().Be(2720.0);
        Features.Column(clean, "MPG")[387].Should().Be(27.0);
    }

    [Fact]
    public void Question_mark_becomes_a_missing_value()
    {
        var frame = ParseText(TwoRows);
        frame.RowCount.Should().Be(2);
        frame.GetColumn<double>("Horsepower").ValueCount.Should().Be(1);
        Features.Column(frame, "Horsepower")[1].Should().Be(double.NaN);
        Features.Column(frame, "Weight").Should().Equal(3504.0, 2046.0);
    }

    [Fact]
    public void Blank_lines_and_crlf_endings_are_tolerated()
    {
        var frame = ParseText("\n" + TwoRows.Replace("\n", "\r\n") + "   \n");
        frame.RowCount.Should().Be(2);
        Features.Column(frame, "Origin").Should().Equal(1.0, 1.0);
    }

    [Fact]
    public void Describe_uses_sample_std_and_linear_quantiles_like_pandas()
    {
        var stats = AutoMpg.Stats("x", [1, 2, 3, 4, double.NaN, 10]);
        stats.Count.Should().Be(5);
        stats.Mean.Should().Be(4.0);
        stats.Std.Should().BeApproximately(Math.Sqrt(50.0 / 4), 1e-12);   // pandas: ddof=1
        (stats.Min, stats.Q25, stats.Median, stats.Q75, stats.Max).Should().Be((1.0, 2.0, 3.0, 4.0, 10.0));
        AutoMpg.Quantile([1, 2, 3, 4], 0.25).Should().Be(1.75);            // numpy: 1 + 0.75 * (2 - 1)
        AutoMpg.Quantile([1, 2, 3, 4], 0.75).Should().Be(3.25);
    }

    [Fact]
    public void Describe_of_the_clean_data_matches_pandas()
    {
        // pandas 2.x, df.dropna().describe() on auto-mpg.data
        var mpg = AutoMpg.Describe(AutoMpg.DropMissing(Raw.Value))["MPG"];
        mpg.Count.Should().Be(392);
        mpg.Mean.Should().BeApproximately(23.445918, 1e-6);
        mpg.Std.Should().BeApproximately(7.805007, 1e-6);
        (mpg.Min, mpg.Q25, mpg.Median, mpg.Q75, mpg.Max).Should().Be((9.0, 17.0, 22.75, 29.0, 46.6));
    }

    [Fact]
    public void Describe_prints_one_row_per_column()
    {
        var table = AutoMpg.Describe(AutoMpg.DropMissing(Raw.Value)).ToString();
        var lines = table.Split('\n');
        lines.Should().HaveCount(9);
        lines[0].Should().MatchRegex(@"^\s+count\s+mean\s+std\s+min\s+25%\s+50%\s+75%\s+max$");
        lines[1].Should().StartWith("MPG").And.Contain("392.0").And.Contain("23.445918");
    }

    [Fact]
    public void A_row_with_too_few_fields_names_the_file_and_line()
    {
        var act = () => ParseText(TwoRows + "30.0  4  100.0  90.0  2000.  15.0  80\t\"short\"\n");
        act.Should().Throw<Ch13Exception>().WithMessage("*test.data, line 3*expected 8 numbers*found 7*");
    }

    [Fact]
    public void A_row_with_too_many_fields_is_rejected()
    {
        var act = () => ParseText("30.0  4  100.0  90.0  2000.  15.0  80  1  9\n");
        act.Should().Throw<Ch13Exception>().WithMessage("*line 1*found more*");
    }

    [Fact]
    public void A_non_numeric_field_names_the_column_and_value()
    {
        var act = () => ParseText(TwoRows.Replace("3504.", "heavy"));
        act.Should().Throw<Ch13Exception>().WithMessage("*line 1*field 5 (Weight)*'heavy'*");
    }

    [Fact]
    public void A_field_that_does_not_parse_names_its_line_and_column()
    {
        var bad = TwoRows.Replace("3504.", "35o4.");
        var column = bad.IndexOf("35o4.") + 1; // on line 1
        var act = () => ParseText(bad);
        act.Should().Throw<Ch13Exception>().WithMessage($"*test.data, line 1: field 5 (Weight) at column {column} is '35o4.'*");
    }

    [Fact]
    public void An_empty_file_is_an_error_not_an_empty_frame()
    {
        var act = () => ParseText("\n  \n");
        act.Should().Throw<Ch13Exception>().WithMessage("*test.data*no data rows*");
    }

    [Fact]
    public void A_missing_file_says_how_to_get_it()
    {
        var act = () => AutoMpg.Load("/nowhere/auto-mpg.data");
        act.Should().Throw<Ch13Exception>().WithMessage("*/nowhere/auto-mpg.data not found*CH13_DATA*");
    }
}
