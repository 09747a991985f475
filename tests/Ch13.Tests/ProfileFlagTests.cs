namespace Ch13.Tests;

/// <summary>A profile flag (mnist's --full) sets other options' defaults; what the command line gives still wins.</summary>
public sealed class ProfileFlagTests
{
    static readonly IntOption BatchSize = CommonOptions.BatchSize(20);
    static readonly ProfileFlag Full = new("full", "all images", Epochs: 5, QuickEpochs: 1) { Defaults = [(BatchSize, 64)] };
    static readonly IReadOnlyList<OptionSpec> Specs = [.. CommonOptions.All(epochs: 200), Full, BatchSize];

    static ParsedArgs Parse(params string[] args) => ArgParser.Parse("mnist", args, Specs);

    [Fact]
    public void Without_the_flag_the_declared_defaults_hold()
    {
        var parsed = Parse();

        parsed.Get(Full).Should().BeFalse();
        parsed.Get(BatchSize).Should().Be(20);
        parsed.Get(CommonOptions.Epochs(200)).Should().Be(200);
    }

    [Fact]
    public void The_flag_sets_its_defaults()
    {
        var parsed = Parse("--full");

        parsed.Get(Full).Should().BeTrue();
        parsed.Get(BatchSize).Should().Be(64);
        parsed.Get(CommonOptions.Epochs(200)).Should().Be(5);
        parsed.WasGiven(BatchSize).Should().BeFalse("a profile's default is still a default");
    }

    [Fact]
    public void An_option_given_on_the_command_line_wins_over_the_profile_wherever_it_stands()
    {
        Parse("--batch-size", "7", "--full").Get(BatchSize).Should().Be(7);
        Parse("--full", "--epochs", "3").Get(CommonOptions.Epochs(200)).Should().Be(3);
    }
}
