using System.Diagnostics;

namespace Ch13.Tests;

/// <summary>The one argument parser (lib/run/Options.cs): typed handles, choices, positionals, pass-through, --help per runner.</summary>
public class OptionsTests
{
    static readonly IntOption Epochs = CommonOptions.Epochs(100);
    static readonly DoubleOption Lr = new("lr", 0.015, "learning rate");
    static readonly ChoiceOption Split = new("split", ["random", "first"], "random", "how to split");
    static readonly ListOption Only = new("only", "run only these");
    static readonly TextOption Out = new("out", null, "output folder", Placeholder: "DIR");
    static readonly IReadOnlyList<OptionSpec> Specs = CommonOptions.All(epochs: 100).Concat([Lr, Split]).ToList();

    static Ch13Exception UsageError(Action parse)
    {
        var error = FluentActions.Invoking(parse).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        return error;
    }

    [Theory]
    [InlineData("epochs", "2147483647")]
    [InlineData("epochs", "1000001")]
    [InlineData("batch-size", "2147483647")]
    public void Counts_the_program_cannot_honour_are_usage_errors(string option, string value)
    {
        var specs = CommonOptions.All(epochs: 100).Append(CommonOptions.BatchSize(20)).ToList();
        UsageError(() => ArgParser.Parse("xor", [$"--{option}", value], specs)).Message.Should().Contain("1 to 1000000");
    }

    [Fact]
    public void The_largest_epoch_count_is_accepted_and_help_states_the_range()
    {
        ArgParser.Parse("xor", ["--epochs", "1000000"], Specs).Get(Epochs).Should().Be(1_000_000);
        Epochs.DefaultText.Should().Be(" (default 100; 1 to 1000000)");
    }

    [Fact]
    public void A_handle_reads_its_value_with_its_type_and_defaults_apply()
    {
        var parsed = ArgParser.Parse("xor", ["--epochs", "7", "--quiet", "--split=first"], Specs);

        int epochs = parsed.Get(Epochs);
        double lr = parsed.Get(Lr);
        bool quiet = parsed.Get(CommonOptions.Quiet);
        string split = parsed.Get(Split);
        string? outDir = parsed.Get(CommonOptions.Out);
        (epochs, lr, quiet, split, outDir).Should().Be((7, 0.015, true, "first", (string?)null));
        parsed.WasGiven(Epochs).Should().BeTrue();
        parsed.WasGiven(Lr).Should().BeFalse("a default is not given");
    }

    [Fact]
    public void Reading_an_option_that_was_not_declared_is_a_programming_error()
    {
        var parsed = ArgParser.Parse("xor", [], Specs);

        FluentActions.Invoking(() => parsed.Get(new IntOption("batch-size", 20, "mini-batch size")))
            .Should().Throw<InvalidOperationException>().WithMessage("--batch-size was not declared*");
    }

    [Theory]
    [InlineData("bogus", "xor: --split must be random or first, got 'bogus'. Try --help.")]
    [InlineData("Random", "xor: --split must be random or first, got 'Random'. Try --help.")]
    [InlineData("", "xor: --split must be random or first, got ''. Try --help.")]
    public void A_choice_outside_its_set_is_one_usage_line_naming_the_choices(string value, string message)
    {
        UsageError(() => ArgParser.Parse("xor", ["--split", value], Specs)).Message.Should().Be(message);
    }

    [Fact]
    public void Three_choices_are_listed_with_commas_and_or()
    {
        var mode = new ChoiceOption("mode", ["a", "b", "c"], "a", "mode");

        UsageError(() => ArgParser.Parse("t", ["--mode", "d"], [mode])).Message.Should().Be("t: --mode must be a, b or c, got 'd'. Try --help.");
        mode.Synopsis.Should().Be("--mode a|b|c");
    }

    [Fact]
    public void Positionals_are_collected_in_order_only_when_the_syntax_takes_them()
    {
        var parsed = ArgParser.Parse("compare", ["runs/a", "--out", "x", "--", "runs/b"], [Out], new ArgSyntax(Positionals: true));

        parsed.Positionals.Should().Equal("runs/a", "runs/b");
        parsed.Get(Out).Should().Be("x");
        UsageError(() => ArgParser.Parse("xor", ["runs/a"], Specs)).Message.Should().Be("xor: unexpected argument 'runs/a'. Try --help.");
        UsageError(() => ArgParser.Parse("xor", ["epochs", "3"], Specs)).Message.Should().Be("xor: unexpected argument 'epochs' (did you mean --epochs?). Try --help.");
        UsageError(() => ArgParser.Parse("compare", ["--bogus"], [Out], new ArgSyntax(Positionals: true)))
            .Message.Should().Be("compare: unknown option '--bogus'. Try --help.");
    }

    [Fact]
    public void The_help_hint_fits_the_runner_and_the_output_folder_is_a_DIR()
    {
        ArgParser.HelpHint(ScriptRunner.Csx).Should().Be("Try --help.");
        ArgParser.HelpHint(ScriptRunner.DotnetScript).Should().Be("Try -- --help.", "under dotnet-script a bare --help is dotnet-script's own");
        CommonOptions.Out.Synopsis.Should().Be("--out DIR");
    }

    [Fact]
    public void Everything_after_a_bare_double_dash_passes_through_when_asked_and_is_parsed_otherwise()
    {
        var tool = ArgParser.Parse("run-all", ["--only", "xor", "--", "--epochs", "3", "--bogus"], [Only], new ArgSyntax(PassThroughAfterDoubleDash: true));
        var script = ArgParser.Parse("xor", ["--", "--epochs", "3"], Specs);

        tool.PassThrough.Should().Equal("--epochs", "3", "--bogus");
        tool.Get(Only).Should().Equal("xor");
        script.Get(Epochs).Should().Be(3);
        script.PassThrough.Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_option_of_a_pass_through_tool_says_where_script_arguments_go()
    {
        UsageError(() => ArgParser.Parse("run-all", ["--bogus"], [Only], new ArgSyntax(PassThroughAfterDoubleDash: true)))
            .Message.Should().Be("run-all: unknown option '--bogus' (arguments for the scripts go after a bare --). Try --help.");
    }

    [Fact]
    public void A_list_option_splits_on_commas_and_accumulates_when_repeated()
    {
        ArgParser.Parse("run-all", ["--only", "xor, mnist", "--only=init,,"], [Only]).Get(Only).Should().Equal("xor", "mnist", "init");
        ArgParser.Parse("run-all", [], [Only]).Get(Only).Should().BeEmpty();
        UsageError(() => ArgParser.Parse("run-all", ["--only"], [Only])).Message.Should().Be("run-all: --only needs a value. Try --help.");
    }

    [Fact]
    public void Help_names_the_runner_in_use_and_lists_every_option_with_its_default()
    {
        var csx = Runs.Usage("xor", "solves XOR", Specs, ScriptRunner.Csx);
        var dotnetScript = Runs.Usage("xor", "solves XOR", Specs, ScriptRunner.DotnetScript);

        csx.Should().StartWith("xor: solves XOR\n\nUsage: ./csx scripts/xor.csx [options]\n\nOptions:\n");
        dotnetScript.Should().StartWith("xor: solves XOR\n\nUsage: dotnet script scripts/xor.csx -- [options]\n\nOptions:\n");
        var lines = csx.Split('\n');
        lines.Should().Contain([
            "  --epochs N           number of training epochs (default 100; 1 to 1000000)",
            "  --lr X               learning rate (default 0.015)",
            "  --split random|first how to split (default random)",
            "  --quiet              print only the final results",
        ]);
        lines.Count(l => l.StartsWith("  --")).Should().Be(Specs.Count);
    }

    [Theory]
    [InlineData("dotnet-script", ScriptRunner.DotnetScript)]
    [InlineData("ch13-csx", ScriptRunner.Csx)]
    [InlineData(null, ScriptRunner.Csx)]
    public void The_runner_is_told_by_the_entry_assembly(string? entryAssembly, ScriptRunner runner)
    {
        ScriptRunners.Of(entryAssembly).Should().Be(runner);
    }

    [Fact]
    public void A_user_error_has_escaped_only_when_no_frame_of_the_script_is_on_the_stack()
    {
        var here = new StackTrace();

        UserErrors.HasEscaped(here, typeof(OptionsTests).Assembly).Should().BeFalse("this test's frame is on the stack");
        UserErrors.HasEscaped(here, typeof(Runs).Assembly).Should().BeTrue("no lib code is running here");
        UserErrors.RunningAsScript.Should().BeFalse("the compiled lib is not a script, so Runs.Start installs no handler in tests");
    }
}
