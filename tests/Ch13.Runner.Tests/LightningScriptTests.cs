using System.Diagnostics;

namespace Ch13.Runner.Tests;

/// <summary>scripts/lightning.csx end to end: what it checks before any data loads.</summary>
public sealed class LightningScriptTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    readonly ScratchDir scratch = new();
    public void Dispose() => scratch.Dispose();

    [Fact]
    public void A_bad_device_is_a_usage_error_before_any_data_loads()
    {
        // No data folder at all: loading MNIST would fail first (exit 1) if --device were checked after it.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Repo.RunnerDll, Path.Combine(Repo.Root, "scripts", "lightning.csx"), "--", "--quick", "--device", "tpu", "--out", scratch.PathFor("out") })
            start.ArgumentList.Add(a);
        start.Environment["CH13_CSX_CACHE"] = shared.Runner.CacheDir;
        start.Environment["CH13_DATA"] = scratch.PathFor("no-data-here");
        var result = RunnerProcess.Complete(start, TimeSpan.FromMinutes(3), "lightning.csx --device tpu");

        result.ExitCode.Should().Be(2, result.Output + result.Errors);
        result.Errors.Trim().Should().Be("--device tpu: expected cpu, cuda or cuda:N.");
        result.Output.Should().NotContain("MNIST");
    }
}
