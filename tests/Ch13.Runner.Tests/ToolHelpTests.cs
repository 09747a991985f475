using System.Diagnostics;

namespace Ch13.Runner.Tests;

/// <summary>
/// The tools' --help without compiling them: tools/help/TOOL.txt equals what the tool itself prints (its usage,
/// generated from its option handles; regenerate with <c>./csx tools/write-help.csx</c>), and the runner prints that
/// file for a lone --help with an empty compile cache, leaving the cache empty (nothing was compiled).
/// </summary>
public sealed class ToolHelpTests : IDisposable
{
    readonly RunnerProcess runner = new();
    public void Dispose() => runner.Dispose();

    public static TheoryData<string> Tools() => new(ToolHelpFiles.Printed.Keys);

    [Theory]
    [MemberData(nameof(Tools))]
    public void Each_help_file_is_the_tools_own_usage(string tool)
    {
        var path = ToolHelpFiles.PathFor(Repo.Root, tool);
        File.Exists(path).Should().BeTrue($"{path} is written by ./csx tools/write-help.csx");
        ToolHelpFiles.PrintedText(File.ReadAllText(path)).Should().Be(ToolHelpFiles.Printed[tool],
            "the file is generated from the tool's option handles: run ./csx tools/write-help.csx after changing them");
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public void The_runner_answers_a_tools_help_from_its_file_without_compiling(string tool)
    {
        var clock = Stopwatch.StartNew();
        var result = runner.Run(Path.Combine(Repo.Root, "tools", tool + ".csx"), "--", "--help");

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Be(ToolHelpFiles.Printed[tool]);
        runner.Entries.Should().BeEmpty($"nothing was compiled (answered in {clock.ElapsedMilliseconds} ms)");
    }

    [Fact]
    public void Only_a_lone_help_with_a_regular_help_file_beside_the_script_skips_compiling()
    {
        if (OperatingSystem.IsWindows()) return; // the symbolic link below
        using var scratch = new ScratchDir();
        var dir = scratch.PathFor("tool");
        Directory.CreateDirectory(Path.Combine(dir, "help"));
        var script = Path.Combine(dir, "hello.csx");
        File.WriteAllText(script, "Console.WriteLine(\"ran \" + string.Join(\",\", Args));\n");
        File.WriteAllText(Path.Combine(dir, "help", "hello.txt"), "hello: says hello, on {cores} cores\n");

        runner.Run(script, "--", "--help").Output.Should().Be($"hello: says hello, on {Environment.ProcessorCount} cores\n");
        runner.Entries.Should().BeEmpty();
        runner.Run(script, "--", "--help", "x").Output.Should().Be("ran --help,x\n", "--help with other arguments is the script's to answer");

        File.Move(Path.Combine(dir, "help", "hello.txt"), Path.Combine(dir, "elsewhere.txt"));
        File.CreateSymbolicLink(Path.Combine(dir, "help", "hello.txt"), Path.Combine(dir, "elsewhere.txt"));
        runner.Run(script, "--", "--help").Output.Should().Be("ran --help\n", "a help file that is a link is not followed");
    }
}
