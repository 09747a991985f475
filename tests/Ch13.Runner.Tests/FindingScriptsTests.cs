namespace Ch13.Runner.Tests;

/// <summary>
/// `./csx` alone lists the chapter's scripts; `./csx xor` runs scripts/xor.csx from any folder; a typo gets
/// "did you mean". And an old libstdc++ is reported with its fix before TorchSharp loads.
/// </summary>
public sealed class FindingScriptsTests : IDisposable
{
    readonly RunnerProcess runner = new();
    readonly ScratchDir scratch = new();

    public void Dispose()
    {
        runner.Dispose();
        scratch.Dispose();
    }

    static readonly string[] ChapterOrder = ["init", "autograd", "sequential", "xor", "module", "custom_layer", "auto_mpg", "mnist", "lightning"];

    [Fact]
    public void No_script_lists_every_chapter_script_in_the_chapter_s_order_with_its_description()
    {
        var result = runner.Run();

        result.ExitCode.Should().Be(0, result.Errors);
        var listed = result.Output.Split('\n').Where(l => l.StartsWith("  ")).Select(l => l.Trim().Split(' ')[0]).ToList();
        listed.Should().Equal(ChapterOrder);
        result.Output.Should().Contain("xor           a linear model cannot solve XOR; the chapter's MLP can")
            .And.Contain("./csx xor");
        var manifest = Chapter.TryLoad(Repo.Root)!;
        manifest.Order.Should().Equal(ChapterOrder, "the listing's order is scripts/chapter.json's");
        foreach (var script in manifest.Scripts)
            result.Output.Should().Contain($"  {script.Name.PadRight(ChapterOrder.Max(n => n.Length))}  {script.Description}\n");
    }

    [Fact]
    public void A_bare_name_runs_the_chapter_script_from_any_folder()
    {
        var outDir = scratch.PathFor("autograd-out");

        var result = runner.RunIn(Path.GetTempPath(), new Dictionary<string, string>(), "autograd", "--", "--quick", "--quiet", "--out", outDir);

        result.ExitCode.Should().Be(0, result.Errors);
        File.Exists(Path.Combine(outDir, "metrics.json")).Should().BeTrue();
    }

    [Theory]
    [InlineData("xorr", "scripts/xor.csx")]
    [InlineData("minst", "scripts/mnist.csx")]
    [InlineData("lightnin.csx", "scripts/lightning.csx")]
    public void A_typo_is_exit_2_with_the_nearest_script(string given, string suggestion)
    {
        var result = runner.RunIn(Repo.Root, new Dictionary<string, string>(), given);

        result.ExitCode.Should().Be(2);
        result.Errors.Trim().Should().StartWith("ch13-csx: script not found").And.EndWith($"did you mean {suggestion}?");
        result.Errors.Trim().Split('\n').Should().HaveCount(1);
    }

    [Fact]
    public void A_name_far_from_every_script_points_at_the_listing()
    {
        var result = runner.Run("zzzzzz");

        result.ExitCode.Should().Be(2);
        result.Errors.Should().Contain("script not found").And.Contain("`./csx` alone lists the chapter's scripts");
    }

    [Fact]
    public void An_old_libstdcxx_is_reported_with_its_fix_in_three_lines_and_exit_1_before_torch_loads()
    {
        var oldLibrary = scratch.PathFor("libstdc++.so.6");
        File.WriteAllText(oldLibrary, "GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0");
        var outDir = scratch.PathFor("xor-out");

        var result = runner.Run(new Dictionary<string, string> { ["CH13_LIBSTDCXX"] = oldLibrary },
            Path.Combine(Repo.Root, "scripts", "xor.csx"), "--quick", "--out", outDir);

        result.ExitCode.Should().Be(1, result.Errors);
        var lines = result.Errors.Trim().Split('\n');
        lines.Should().HaveCount(3);
        lines[0].Should().Contain(oldLibrary).And.Contain("GLIBCXX_3.4.32");
        lines[1].Should().Be("Fix on Debian 12: sudo tools/install-libstdcxx.sh (installs libstdc++6 from Debian 13; removes nothing).");
        result.Output.Should().BeEmpty();
        Directory.Exists(outDir).Should().BeFalse("nothing is written before the check");
    }
}
