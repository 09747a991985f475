namespace Ch13.Tests;

public class RunsTests
{
    static readonly DoubleOption Lr = new("lr", 0.015, "learning rate");
    static readonly IntOption BatchSize = new("batch-size", 20, "batch size");
    static readonly IReadOnlyList<OptionSpec> Specs = CommonOptions.All(epochs: 100).Concat([Lr, BatchSize]).ToList();

    static ParsedArgs Parse(params string[] args) => ArgParser.Parse("xor", args, Specs);

    [Fact]
    public void Defaults_apply_when_no_arguments_are_given()
    {
        var parsed = Parse();
        parsed.Get(CommonOptions.Epochs(100)).Should().Be(100);
        parsed.Get(CommonOptions.Seed).Should().Be(1);
        parsed.Get(Lr).Should().Be(0.015);
        parsed.Get(CommonOptions.Quiet).Should().BeFalse();
        parsed.Get(CommonOptions.Out).Should().BeNull();
        parsed.HelpRequested.Should().BeFalse();
    }

    [Fact]
    public void Options_parse_with_space_or_equals_and_a_leading_double_dash_is_ignored()
    {
        var parsed = Parse("--", "--epochs", "5", "--lr=0.5", "--quiet", "--out", "/tmp/x");
        parsed.Get(CommonOptions.Epochs(100)).Should().Be(5);
        parsed.Get(Lr).Should().Be(0.5);
        parsed.Get(CommonOptions.Quiet).Should().BeTrue();
        parsed.Get(CommonOptions.Out).Should().Be("/tmp/x");
    }

    [Theory]
    [InlineData(new[] { "--epochs", "-3" }, "--epochs must be an integer from 1 to 1000000, got -3")]
    [InlineData(new[] { "--epochs", "0" }, "--epochs must be an integer from 1 to 1000000, got 0")]
    [InlineData(new[] { "--epochs", "ten" }, "--epochs must be an integer")]
    [InlineData(new[] { "--lr", "abc" }, "--lr must be a finite number")]
    [InlineData(new[] { "--lr", "nan" }, "--lr must be a finite number")]
    [InlineData(new[] { "--lr", "-1" }, "--lr must be a number > 0")]
    [InlineData(new[] { "--batch-size", "-1" }, "--batch-size must be an integer ≥ 1")]
    [InlineData(new[] { "--epochs" }, "--epochs needs a value")]
    [InlineData(new[] { "--epoch", "3" }, "unknown option '--epoch' (did you mean --epochs?)")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--quiet=yes" }, "--quiet takes no value")]
    public void Bad_arguments_fail_with_a_usage_error_naming_the_problem(string[] args, string expected)
    {
        var act = () => Parse(args);
        var error = act.Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().StartWith("xor: ").And.Contain(expected).And.EndWith("Try --help.");
    }

    [Fact]
    public void Help_is_recognised_and_usage_lists_every_option_with_its_default()
    {
        Parse("--help").HelpRequested.Should().BeTrue();
        Parse("-h").HelpRequested.Should().BeTrue();
        var usage = Runs.Usage("xor", "solves XOR", Specs);
        foreach (var spec in Specs) usage.Should().Contain("--" + spec.Name);
        usage.Should().Contain("(default 100; 1 to 1000000)").And.Contain("(default 0.015)");
    }

    [Fact]
    public void Epoch_lines_print_the_validation_loss_like_python()
    {
        var m = new EpochMetrics(1, 0.7, 0.5, 0.6937592625617981, 0.5, 0.015);
        EpochLines.Loss(m, 100).Should().Be("Epoch [1/100], Loss: 0.6937592625617981");
        NotebookLog.IsLogEpoch(m, 10).Should().BeTrue();
        NotebookLog.IsLogEpoch(m with { Epoch = 11 }, 10).Should().BeTrue();
        NotebookLog.IsLogEpoch(m with { Epoch = 12 }, 10).Should().BeFalse();
    }

    [Fact]
    public void Repo_root_is_found_from_a_script_path()
    {
        var root = TestPaths.RepoRoot;
        Runs.RepoRoot(Path.Combine(root, "scripts", "xor.csx")).Should().Be(root);
    }

    [Fact]
    public void An_unwritable_output_folder_is_reported_before_training()
    {
        var file = Path.GetTempFileName(); // a file where a folder should be
        var act = () => Runs.EnsureWritable(Path.Combine(file, "sub"));
        act.Should().Throw<Ch13Exception>().WithMessage("*cannot write to the output folder*--out*");
        File.Delete(file);
    }
}
