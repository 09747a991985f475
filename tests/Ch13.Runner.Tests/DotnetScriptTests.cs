using System.Text.Json.Nodes;

namespace Ch13.Runner.Tests;

/// <summary>
/// Every section script under the real dotnet-script, against the bundled runner: the same exit code, no compiler
/// warning, the same metrics.json apart from timings, environment and arguments (which differ by --out), and the same
/// PNG bytes. All scripts with --quick; xor, the README's first command, with its full settings too.
/// </summary>
[Collection(DotnetScriptCollection.Name)]
public sealed class DotnetScriptTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    readonly RunnerProcess runner = shared.Runner;
    readonly ScratchDir scratch = new();

    public static TheoryData<string> Scripts() => ScriptSmokeTests.Scripts();

    [DotnetScriptTheory]
    [MemberData(nameof(Scripts))]
    public void Script_runs_under_dotnet_script_as_under_the_bundled_runner(string name) => BothRunnersAgree(name, "--quick");

    [DotnetScriptFact]
    public void Xor_with_its_full_settings_runs_under_dotnet_script_as_under_the_bundled_runner() => BothRunnersAgree("xor");

    void BothRunnersAgree(string name, params string[] args)
    {
        var script = Path.Combine(Repo.Root, "scripts", name + ".csx");
        var viaDotnetScript = scratch.PathFor($"{name}-dotnet-script");
        var viaCsx = scratch.PathFor($"{name}-csx");

        var real = DotnetScript.Run(script, [.. args, "--quiet", "--out", viaDotnetScript]);
        var bundled = runner.Run([script, "--", .. args, "--quiet", "--out", viaCsx]);

        real.ExitCode.Should().Be(0, $"dotnet-script stdout:\n{real.Output}\nstderr:\n{real.Errors}");
        bundled.ExitCode.Should().Be(0, bundled.Errors);
        (real.Output + real.Errors).Should().NotContain("warning CS", "dotnet-script shows the compiler warnings the bundled runner hides");
        Comparable(viaDotnetScript).Should().Be(Comparable(viaCsx), "the same script and seed give the same record under both runners");

        var pngs = Directory.GetFiles(viaCsx, "*.png", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(viaCsx, p)).Order().ToList();
        pngs.Should().NotBeEmpty();
        Directory.GetFiles(viaDotnetScript, "*.png", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(viaDotnetScript, p)).Order()
            .Should().Equal(pngs);
        foreach (var png in pngs)
            File.ReadAllBytes(Path.Combine(viaDotnetScript, png)).Should().Equal(File.ReadAllBytes(Path.Combine(viaCsx, png)), png);
    }

    // metrics.json without what legitimately differs between the two runs: timings, the host, and the --out folder
    // (in the arguments, and in settings that name it, such as the Lightning trainer's log folder).
    static string Comparable(string outDir)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!.AsObject();
        json.Remove("timings");
        json.Remove("environment");
        json.Remove("arguments");
        return json.ToJsonString().Replace(outDir, "<out>");
    }

    public void Dispose() => scratch.Dispose();
}
