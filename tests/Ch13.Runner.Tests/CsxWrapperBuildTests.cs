using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace Ch13.Runner.Tests;

/// <summary>
/// The ./csx wrapper's two builds, over a copy of the wrapper and a stub <c>dotnet</c> that logs what it is asked
/// (a publish makes an empty ch13-csx.dll in its -o folder; a run prints which dll ran): the first run builds the
/// plain one in the foreground and runs it, the ReadyToRun one follows in the background only after that run ended,
/// later runs use it without building, and a changed runner source makes the next run rebuild the plain one. And the
/// malloc it preloads into the run: tcmalloc where installed, unless CH13_MALLOC=system or LD_PRELOAD is already set.
/// </summary>
public sealed class CsxWrapperBuildTests : IDisposable
{
    readonly ScratchDir scratch = new();
    public void Dispose() => scratch.Dispose();

    string Root => Path.Combine(scratch.Path, "wrapper");
    string Log => Path.Combine(scratch.Path, "dotnet.log");

    string Preloaded => Path.Combine(scratch.Path, "preloaded");

    (int ExitCode, string Output, string Errors) Csx(params string[] args) => CsxWith(new Dictionary<string, string>(), args);

    /// <summary>The wrapper with <paramref name="environment"/> added, and no LD_PRELOAD or CH13_MALLOC unless it names them.</summary>
    (int ExitCode, string Output, string Errors) CsxWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Root, "csx"), .. args])
        { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["PATH"] = Path.Combine(scratch.Path, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove("LD_PRELOAD");
        start.Environment.Remove("CH13_MALLOC");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit(30_000).Should().BeTrue("the wrapper returns once the (stub) run ends; the background build holds no pipe");
        return (process.ExitCode, output.Result, errors.Result);
    }

    void Setup(double runSeconds)
    {
        Directory.CreateDirectory(Path.Combine(Root, "runner"));
        File.WriteAllText(Path.Combine(Root, "runner", "Program.cs"), "// v1");
        Repo.CopyCsxWrapper(Root);
        var bin = Path.Combine(scratch.Path, "bin");
        Directory.CreateDirectory(bin);
        // publish: log the ReadyToRun setting and the -o folder, make the dll; anything else is a run of a dll.
        File.WriteAllText(Path.Combine(bin, "dotnet"), $$"""
            #!/bin/bash
            if [ "$1" = publish ]; then
              out=""; r2r=""
              while [ $# -gt 0 ]; do
                case "$1" in -o) out="$2"; shift ;; -p:PublishReadyToRun=*) r2r="${1#-p:PublishReadyToRun=}" ;; esac
                shift
              done
              echo "publish r2r=$r2r out=${out#{{Root}}/}" >> '{{Log}}'
              mkdir -p "$out" && touch "$out/ch13-csx.dll"
              exit 0
            fi
            echo "run ${1#{{Root}}/} start" >> '{{Log}}'
            printf '%s' "${LD_PRELOAD:-}" > '{{Preloaded}}'
            sleep {{runSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
            echo "run ${1#{{Root}}/} end" >> '{{Log}}'
            echo "ran ${1#{{Root}}/}"
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) // the stub is a shell script: these tests run where the csx wrapper does
            File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    string[] Logged() => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    void WaitForFastBuild()
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(Root, "runner/bin/Release/net10.0/.csx-build-stamp")) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(50);
        File.Exists(Path.Combine(Root, "runner/bin/Release/net10.0/.csx-build-stamp")).Should().BeTrue(string.Join("\n", Logged()));
    }

    [Fact]
    public void The_first_run_builds_plain_then_readytorun_follows_after_it_and_later_runs_use_it()
    {
        if (OperatingSystem.IsWindows()) return;
        Setup(runSeconds: 1.5);

        var first = Csx("scripts/xor.csx", "--", "--quick");

        first.ExitCode.Should().Be(0, first.Errors);
        first.Output.Should().Be("ran runner/bin/Release/light/ch13-csx.dll\n");
        first.Errors.Should().StartWith("csx: building the bundled runner (first run only; about 10 s)…\ncsx: runner ready (")
            .And.Contain("csx: after this run, a faster (ReadyToRun) runner builds in the background.");
        first.Errors.Split('\n').Should().AllSatisfy(l => l.Length.Should().BeLessThanOrEqualTo(80, "./csx's lines fit 80 columns"));
        WaitForFastBuild();
        Logged().Should().Equal(
            "publish r2r=false out=runner/bin/Release/light",
            "run runner/bin/Release/light/ch13-csx.dll start",
            "run runner/bin/Release/light/ch13-csx.dll end",
            "publish r2r=true out=runner/bin/Release/net10.0");

        var second = Csx("scripts/xor.csx");
        second.Output.Should().Be("ran runner/bin/Release/net10.0/ch13-csx.dll\n");
        second.Errors.Should().BeEmpty("nothing is built when both builds are up to date");

        // A changed runner source: the next run rebuilds the plain one in the foreground, then the fast one again.
        Thread.Sleep(1100); // file times have a resolution the stamp comparison needs to see past
        File.WriteAllText(Path.Combine(Root, "runner", "Program.cs"), "// v2");
        var third = Csx("scripts/xor.csx");
        third.Output.Should().Be("ran runner/bin/Release/light/ch13-csx.dll\n");
        third.Errors.Should().StartWith("csx: rebuilding the bundled runner (its sources changed)…");
        var clock = Stopwatch.StartNew();
        while (Logged().Count(l => l.StartsWith("publish r2r=true", StringComparison.Ordinal)) < 2 && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(50);
        Logged()[^1].Should().Be("publish r2r=true out=runner/bin/Release/net10.0");
        WaitForFastBuild();
        Csx("scripts/xor.csx").Output.Should().Be("ran runner/bin/Release/net10.0/ch13-csx.dll\n");
    }

    [Fact]
    public async Task A_run_while_the_readytorun_build_is_pending_uses_the_plain_build_and_schedules_no_second_one()
    {
        if (OperatingSystem.IsWindows()) return;
        Setup(runSeconds: 3);
        var first = Task.Run(() => Csx("scripts/xor.csx"));
        var clock = Stopwatch.StartNew();
        while (!Logged().Contains("run runner/bin/Release/light/ch13-csx.dll start") && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(50);

        var second = Csx("scripts/xor.csx"); // while the first still runs: its background build is waiting for it

        second.Output.Should().Be("ran runner/bin/Release/light/ch13-csx.dll\n");
        second.Errors.Should().BeEmpty("the light build is current and the fast one is already scheduled");
        (await first).ExitCode.Should().Be(0);
        WaitForFastBuild();
        Thread.Sleep(500);
        Logged().Count(l => l.StartsWith("publish r2r=true", StringComparison.Ordinal)).Should().Be(1);
    }

    [Fact]
    public void The_run_gets_tcmalloc_where_installed_unless_CH13_MALLOC_says_system_or_LD_PRELOAD_is_set()
    {
        if (!OperatingSystem.IsLinux()) return; // the wrapper preloads only on Linux
        Setup(runSeconds: 0);

        Csx("scripts/xor.csx").ExitCode.Should().Be(0);
        File.ReadAllText(Preloaded).Should().Be(Tcmalloc.Installed ?? "", "by default the run gets tcmalloc where it is installed");

        CsxWith(new Dictionary<string, string> { ["CH13_MALLOC"] = "system" }, "scripts/xor.csx").ExitCode.Should().Be(0);
        File.ReadAllText(Preloaded).Should().BeEmpty("CH13_MALLOC=system keeps the platform's malloc");

        var own = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libSystem.Native.so");
        CsxWith(new Dictionary<string, string> { ["LD_PRELOAD"] = own }, "scripts/xor.csx").ExitCode.Should().Be(0);
        File.ReadAllText(Preloaded).Should().Be(own, "an LD_PRELOAD the user set is left as it is");
    }

    [Fact]
    public void An_explicit_CH13_MALLOC_tcmalloc_gets_it_or_stops_with_one_line_and_exit_1_where_it_is_missing()
    {
        if (OperatingSystem.IsWindows()) return;
        Setup(runSeconds: 0);

        var result = CsxWith(new Dictionary<string, string> { ["CH13_MALLOC"] = "tcmalloc" }, "scripts/xor.csx");

        if (Tcmalloc.Installed is { } installed)
        {
            result.ExitCode.Should().Be(0, result.Errors);
            File.ReadAllText(Preloaded).Should().Be(installed);
        }
        else
        {
            result.ExitCode.Should().Be(1);
            result.Errors.Should().Be("csx: CH13_MALLOC=tcmalloc, but tcmalloc is not installed: " +
                                      "'sudo apt-get install -y libtcmalloc-minimal4' (Linux), or unset CH13_MALLOC.\n");
            Logged().Should().BeEmpty("nothing is built or run");
        }
    }

    [Fact]
    public void A_CH13_MALLOC_that_is_no_choice_is_one_line_and_exit_2_before_anything_builds_or_runs()
    {
        if (OperatingSystem.IsWindows()) return;
        Setup(runSeconds: 0);

        var result = CsxWith(new Dictionary<string, string> { ["CH13_MALLOC"] = "jemalloc" }, "scripts/xor.csx");

        result.ExitCode.Should().Be(2);
        result.Errors.Should().Be("csx: CH13_MALLOC=jemalloc is not a choice: use tcmalloc (the default, where installed) or system.\n");
        result.Output.Should().BeEmpty();
        Logged().Should().BeEmpty("nothing is built or run");
    }
}
