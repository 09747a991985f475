namespace Ch13.Tests;

/// <summary>
/// Issue 17's target: a section script is mostly the chapter. By <see cref="ScriptPlumbing"/>'s rule, at most a quarter
/// of each script's code lines are plumbing, and no <c>--eval-only</c> branch is longer than three lines.
/// </summary>
public sealed class ScriptPlumbingTests
{
    public static TheoryData<string> Scripts() =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "scripts"), "*.csx").Select(path => Path.GetFileNameWithoutExtension(path)).Order()];

    static ScriptPlumbing.Measure Measure(string script) =>
        ScriptPlumbing.Of(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "scripts", script + ".csx")));

    [Theory]
    [MemberData(nameof(Scripts))]
    public void At_most_a_quarter_of_a_script_s_code_lines_are_plumbing(string script)
    {
        var measure = Measure(script);

        measure.CodeLines.Should().BeGreaterThan(0);
        measure.Share.Should().BeLessThanOrEqualTo(0.25,
            $"{script}.csx has {measure.PlumbingLines} plumbing lines of {measure.CodeLines}:\n{string.Join("\n", measure.Plumbing)}");
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void No_eval_only_branch_is_longer_than_three_lines(string script) =>
        Measure(script).EvalOnlyBranches.Should().NotContain(lines => lines > 3);

    [Fact]
    public void Options_the_run_s_calls_and_the_eval_only_branch_are_plumbing_and_the_chapter_is_not()
    {
        var measure = ScriptPlumbing.Of("""
            #load "../lib/ch13.csx"
            using TorchSharp;
            var lr = new DoubleOption("lr", 0.01, "SGD learning rate; Runs.Start(weights.)");
            var run = Runs.Start("x", Args, epochs: 2,
                options: [lr]);

            // a comment: Runs.Finish(
            var model = Nets.Mlp(spec);
            Console.WriteLine("Runs.Finish(run, weights.Path) is only text here");
            torch.manual_seed(run.Seed);
            TorchRandom.Skip(3);
            if (run.Weights.EvalOnly)
            {
                var acc = 1.0;
                Console.WriteLine($"acc {acc:F4} {(acc > 0 ? "}" : "{")}");
                return Runs.Finish(run, new RunConfig("x"), series: []);
            }
            foreach (var k in new[] { 1, 2 })
            {
                Console.WriteLine(k);
                Loader.EpochOrder(10, shuffle: true);
            }
            return Runs.Finish(run, new RunConfig("x"),
                series: [Series.Of("MLP", history,
                    RunValue.Of("acc", 1.0))],
                keyMetric: null);
            """);

        measure.Plumbing.Select(l => l.Trim()).Should().Equal(
            "#load \"../lib/ch13.csx\"",
            "var lr = new DoubleOption(\"lr\", 0.01, \"SGD learning rate; Runs.Start(weights.)\");",
            "var run = Runs.Start(\"x\", Args, epochs: 2,",
            "options: [lr]);",
            "TorchRandom.Skip(3);",
            "if (run.Weights.EvalOnly)",
            "{",
            "var acc = 1.0;",
            "Console.WriteLine($\"acc {acc:F4} {(acc > 0 ? \"}\" : \"{\")}\");",
            "return Runs.Finish(run, new RunConfig(\"x\"), series: []);",
            "}",
            "Loader.EpochOrder(10, shuffle: true);",
            "return Runs.Finish(run, new RunConfig(\"x\"),");
        measure.CodeLines.Should().Be(24);
        measure.EvalOnlyBranches.Should().Equal(6);
    }
}
