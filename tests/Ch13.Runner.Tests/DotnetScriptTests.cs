using System.Diagnostics;

namespace Ch13.Runner.Tests;

/// <summary>
/// The lib's one-line errors and its --help under the real dotnet-script, as under ./csx: the lib reports its own
/// user errors, so both hosts show the same. Runs only where <c>CH13_DOTNET_SCRIPT</c> names dotnet-script.dll.
/// </summary>
public sealed class DotnetScriptTests : IDisposable
{
    readonly ScratchDir scratch = new();

    public void Dispose() => scratch.Dispose();

    [DotnetScriptFact]
    public void A_usage_error_is_one_line_and_exit_code_2()
    {
        var outDir = scratch.PathFor("usage");

        var result = DotnetScript.Run("xor", "--epochs", "0", "--out", outDir);

        result.ExitCode.Should().Be(2, result.Errors);
        result.Errors.Trim().Should().Be("xor: --epochs must be an integer ≥ 1, got 0. Try --help.");
        Directory.Exists(outDir).Should().BeFalse();
    }

    [DotnetScriptFact]
    public void A_choice_outside_its_set_is_one_line_naming_the_choices_and_exit_code_2()
    {
        var result = DotnetScript.Run("lightning", "--split", "bogus", "--out", scratch.PathFor("split"));

        result.ExitCode.Should().Be(2, result.Errors);
        result.Errors.Trim().Should().Be("lightning: --split must be random or first, got 'bogus'. Try --help.");
    }

    [DotnetScriptFact]
    public void A_data_error_after_the_run_started_is_its_message_without_a_stack_trace_and_exit_code_1()
    {
        var data = scratch.PathFor("empty-data/");
        var offline = new Dictionary<string, string>
        {
            ["CH13_DATA"] = data,
            // A proxy nobody listens on: the download fails at once, on this machine only.
            ["http_proxy"] = "http://127.0.0.1:9", ["https_proxy"] = "http://127.0.0.1:9",
            ["HTTP_PROXY"] = "http://127.0.0.1:9", ["HTTPS_PROXY"] = "http://127.0.0.1:9", ["no_proxy"] = "", ["NO_PROXY"] = "",
        };

        var result = DotnetScript.Run(offline, "mnist", "--quick", "--out", scratch.PathFor("mnist"));

        result.ExitCode.Should().Be(1, result.Errors);
        result.Errors.Should().Contain("Could not download 4 data file(s)").And.Contain(Path.Combine(data, "mnist"))
            .And.NotContain("   at ").And.NotContain("Ch13Exception");
    }

    [DotnetScriptFact]
    public void Help_names_dotnet_script_in_its_usage_line()
    {
        var result = DotnetScript.Run("xor", "--help");

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Contain("Usage: dotnet script scripts/xor.csx -- [options]").And.Contain("--lr X");
    }
}

/// <summary>A test that needs the real dotnet-script: skipped, with the reason, when CH13_DOTNET_SCRIPT is unset.</summary>
public sealed class DotnetScriptFactAttribute : FactAttribute
{
    public DotnetScriptFactAttribute()
    {
        if (DotnetScript.Dll is null) Skip = "CH13_DOTNET_SCRIPT is not set (the path to dotnet-script.dll)";
    }
}

/// <summary>Runs a section script with <c>dotnet $CH13_DOTNET_SCRIPT scripts/NAME.csx -- args</c> from the repository root.</summary>
public static class DotnetScript
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static string? Dll { get; } = Environment.GetEnvironmentVariable("CH13_DOTNET_SCRIPT") is { Length: > 0 } dll ? dll : null;

    public static RunResult Run(string script, params string[] args) => Run(new Dictionary<string, string>(), script, args);

    public static RunResult Run(IDictionary<string, string> env, string script, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in new[] { Dll!, Path.Combine("scripts", script + ".csx"), "--" }.Concat(args)) start.ArgumentList.Add(arg);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        foreach (var (name, value) in env) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet-script {script} {string.Join(' ', args)} did not finish within {Timeout}");
        }
        return new RunResult(process.ExitCode, output.Result.ReplaceLineEndings("\n"), errors.Result.ReplaceLineEndings("\n"));
    }
}
