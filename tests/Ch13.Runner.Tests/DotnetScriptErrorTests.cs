using System.Diagnostics;

namespace Ch13.Runner.Tests;

/// <summary>
/// The lib's one-line errors and its --help under the real dotnet-script, as under ./csx: the lib reports its own
/// user errors, so both hosts show the same. Runs only where the real dotnet-script is found (see <see cref="DotnetScript"/>).
/// </summary>
[Collection(DotnetScriptCollection.Name)]
public sealed class DotnetScriptErrorTests : IDisposable
{
    readonly ScratchDir scratch = new();

    public void Dispose() => scratch.Dispose();

    static string Script(string name) => Path.Combine(Repo.Root, "scripts", name + ".csx");

    [DotnetScriptFact]
    public void A_usage_error_is_one_line_and_exit_code_2()
    {
        var outDir = scratch.PathFor("usage");

        var result = DotnetScript.Run(Script("xor"), "--epochs", "0", "--out", outDir);

        result.ExitCode.Should().Be(2, result.Errors);
        result.Errors.Trim().Should().Be("xor: --epochs must be an integer from 1 to 1000000, got 0. Try -- --help.");
        Directory.Exists(outDir).Should().BeFalse();
    }

    [DotnetScriptFact]
    public void A_choice_outside_its_set_is_one_line_naming_the_choices_and_exit_code_2()
    {
        var result = DotnetScript.Run(Script("lightning"), "--split", "bogus", "--out", scratch.PathFor("split"));

        result.ExitCode.Should().Be(2, result.Errors);
        result.Errors.Trim().Should().Be("lightning: --split must be random or first, got 'bogus'. Try -- --help.");
    }

    [DotnetScriptFact]
    public void A_data_error_after_the_run_started_is_its_message_without_a_stack_trace_and_exit_code_1()
    {
        var data = scratch.PathFor("empty-data/");
        var offline = Offline.Environment(data);

        var result = DotnetScript.Run(offline, Script("mnist"), "--quick", "--out", scratch.PathFor("mnist"));

        result.ExitCode.Should().Be(1, result.Errors);
        result.Errors.Should().Contain("Could not download 4 data file(s)").And.Contain(Path.Combine(data, "mnist"))
            .And.NotContain("   at ").And.NotContain("Ch13Exception");
    }

    [DotnetScriptFact]
    public void An_old_libstdcxx_is_reported_with_its_fix_before_torch_loads()
    {
        var oldLibrary = scratch.PathFor("libstdc++.so.6");
        File.WriteAllText(oldLibrary, "GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0");

        var result = DotnetScript.Run(new Dictionary<string, string> { ["CH13_LIBSTDCXX"] = oldLibrary },
            Script("xor"), "--quick", "--out", scratch.PathFor("xor"));

        result.ExitCode.Should().Be(1, result.Errors);
        result.Errors.Trim().Split('\n').Should().HaveCount(3).And.Contain(
            "Fix on Debian 12: sudo tools/install-libstdcxx.sh (installs libstdc++6 from Debian 13; removes nothing).");
        result.Errors.Should().NotContain("   at ");
    }

    [DotnetScriptFact]
    public void Help_names_dotnet_script_in_its_usage_line()
    {
        var result = DotnetScript.Run(Script("xor"), "--help");

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Contain("Usage: dotnet script scripts/xor.csx -- [options]").And.Contain("--lr X");
    }
}
