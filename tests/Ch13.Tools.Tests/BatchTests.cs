using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ch13.Tools.Tests;

/// <summary>
/// ./run-all's logic (lib/BatchRuns.cs). The orchestration tests run fake "scripts" with bash instead of the C# runner,
/// so they take milliseconds; tests/Ch13.Runner.Tests/ToolsTests.cs runs the real tool end to end.
/// </summary>
public sealed class BatchTests : IDisposable
{
    static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    readonly TempDir temp = new();

    static BatchOptions Parse(string root, params string[] args) => BatchArgs.Parse(args, root, Now);

    [Fact]
    public void Defaults_put_the_run_in_a_timestamped_folder_under_out_runs_and_run_every_script_with_csx()
    {
        var options = Parse(temp.Path);
        options.RunDir.Should().Be(Path.Combine(temp.Path, "out", "runs", "20260304-050607"));
        options.Name.Should().Be("20260304-050607");
        options.Quick.Should().BeFalse();
        options.Only.Should().BeEmpty();
        options.Runner.Should().Be(ScriptRunner.Csx);
        options.ScriptArgs.Should().BeEmpty();
        options.ScriptsDir.Should().Be(Path.Combine(temp.Path, "scripts"));
    }

    [Fact]
    public void Help_lists_every_option_as_its_handle_declares_it()
    {
        var usage = BatchArgs.Usage;

        foreach (var synopsis in new[] { "--quick", "--tag NAME", "--out DIR", "--only a,b", "--runner csx|dotnet-script", "--args S=\"A B\"", "--jobs N", "--scripts DIR", "--help" })
            usage.Should().Contain("\n  " + synopsis + " ", "each option has its line");
        usage.Should().Contain("(default csx)").And.Contain("1 to 64)", "defaults and ranges come from the handles");
        Compare.Usage.Should().Contain("\n  --out DIR ").And.Contain("\n  --help ");
    }

    [Fact]
    public void A_second_run_in_the_same_second_gets_its_own_folder()
    {
        Directory.CreateDirectory(Path.Combine(temp.Path, "out", "runs", "20260304-050607"));
        Parse(temp.Path).RunDir.Should().Be(Path.Combine(temp.Path, "out", "runs", "20260304-050607-2"));
    }

    [Fact]
    public void Tag_names_the_run_folder_and_out_chooses_it()
    {
        Parse(temp.Path, "--tag", "baseline").RunDir.Should().Be(Path.Combine(temp.Path, "out", "runs", "baseline"));
        var custom = Parse(temp.Path, "--out", Path.Combine(temp.Path, "elsewhere"), "--tag", "named");
        custom.RunDir.Should().Be(Path.Combine(temp.Path, "elsewhere"));
        custom.Name.Should().Be("named");
    }

    [Fact]
    public void Quick_only_runner_and_arguments_after_a_double_dash_are_parsed()
    {
        var options = Parse(temp.Path, "--quick", "--only", "xor,mnist", "--only=auto_mpg.csx", "--runner", "dotnet-script", "--", "--epochs", "3", "--quiet");
        options.Quick.Should().BeTrue();
        options.Only.Should().Equal("xor", "mnist", "auto_mpg");
        options.Runner.Should().Be(ScriptRunner.DotnetScript);
        options.ScriptArgs.Should().Equal("--epochs", "3", "--quiet");
        BatchRuns.ScriptArguments(options, "xor").Should().Equal("--out", Path.Combine(options.RunDir, "xor"), "--quick", "--epochs", "3", "--quiet");
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--tag", "../x" }, "--tag must be a plain folder name")]
    [InlineData(new[] { "--runner", "python" }, "--runner must be csx or dotnet-script")]
    [InlineData(new[] { "--only" }, "--only needs a value")]
    public void Bad_arguments_are_usage_errors_with_exit_code_2(string[] args, string message)
    {
        var error = FluentActions.Invoking(() => Parse(temp.Path, args)).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().StartWith("run-all: ").And.Contain(message);
    }

    [Fact]
    public void Discovery_finds_the_csx_files_directly_in_the_folder_in_the_chapters_order()
    {
        var scripts = temp.Sub("scripts");
        foreach (var name in new[] { "mnist", "zeta", "xor", "autograd", "alpha" }) File.WriteAllText(Path.Combine(scripts, name + ".csx"), "");
        File.WriteAllText(Path.Combine(scripts, "notes.md"), "");
        File.WriteAllText(Path.Combine(temp.Sub("scripts", "helpers"), "helper.csx"), "");

        BatchRuns.Discover(scripts).Should().Equal("autograd", "xor", "mnist", "alpha", "zeta");
    }

    [Fact]
    public void Only_keeps_discovery_order_and_an_unknown_name_lists_the_available_scripts()
    {
        BatchRuns.Select(["autograd", "xor", "mnist"], ["mnist", "autograd"]).Should().Equal("autograd", "mnist");
        BatchRuns.Select(["autograd", "xor"], []).Should().Equal("autograd", "xor");
        var error = FluentActions.Invoking(() => BatchRuns.Select(["autograd", "xor"], ["xro"])).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Contain("no script named 'xro'").And.Contain("available: autograd, xor");
    }

    [Fact]
    public void The_csx_runner_runs_each_script_through_the_repos_csx_and_dotnet_script_through_dotnet()
    {
        var csx = ScriptCommands.Command(ScriptRunner.Csx, "/repo", "/repo/scripts/xor.csx", ["--out", "/o", "--quick"]);
        csx.FileName.Should().Be(OperatingSystem.IsWindows() ? Path.Combine("/repo", "csx.cmd") : Path.Combine("/repo", "csx"));
        csx.ArgumentList.Should().Equal("/repo/scripts/xor.csx", "--", "--out", "/o", "--quick");
        var dotnetScript = ScriptCommands.Command(ScriptRunner.DotnetScript, "/repo", "/repo/scripts/xor.csx", ["--quick"]);
        dotnetScript.FileName.Should().Be("dotnet");
        dotnetScript.ArgumentList.Should().Equal("script", "/repo/scripts/xor.csx", "--", "--quick");
    }

    [Fact]
    public void A_missing_dotnet_script_is_a_clear_error_naming_the_install_command()
    {
        if (IsDotnetScriptInstalled()) return; // nothing to check on a machine that has it
        var error = FluentActions.Invoking(() => ScriptCommands.CheckRunner(ScriptRunner.DotnetScript, temp.Path)).Should().Throw<Ch13Exception>().Which;
        error.Message.Should().Contain("dotnet tool install -g dotnet-script").And.Contain("--runner csx");
    }

    // Fake scripts: bash files named .csx that behave like section scripts (write <out>/metrics.json, print lines).
    string FakeScripts(params (string Name, string Body)[] scripts)
    {
        var dir = temp.Sub("fake-scripts");
        foreach (var (name, body) in scripts) File.WriteAllText(Path.Combine(dir, name + ".csx"), Preamble + body);
        return dir;
    }

    const string Preamble = """
        out=""; quick=false; rest=""
        while [ $# -gt 0 ]; do
          case "$1" in --out) out="$2"; shift 2;; --quick) quick=true; shift;; *) rest="$rest $1"; shift;; esac
        done
        mkdir -p "$out"

        """;

    // Writes a real run record (key metric "acc", train seconds 0.25), its "quick" set from the arguments.
    static string Succeeds(string name, double value)
    {
        var record = FakeRuns.Record(name) with
        {
            Quick = false,
            Results = [RunValue.Of("acc", value, Better.Higher)],
            KeyMetric = new KeyMetric("acc", value, Better.Higher, null),
            Timings = new RunTimings("2026-01-01T00:00:00+00:00", 0.25, 0.5, new Dictionary<string, double>()),
        };
        return $"echo \"{name}: training (quick=$quick, args:$rest)\"\n"
            + "sed \"s/\\\"quick\\\": false/\\\"quick\\\": $quick/\" > \"$out/metrics.json\" <<'JSON'\n"
            + RunRecords.ToJson(record)
            + "JSON\n";
    }

    const string Fails = """
        echo "about to fail"
        echo "boom: something went wrong" >&2
        exit 1

        """;

    static ProcessStartInfo Bash(string path, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("bash");
        start.ArgumentList.Add(path);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    static IReadOnlyList<ScriptTask> Tasks(BatchOptions options, IReadOnlyList<string> scripts) => BatchRuns.Tasks(options, scripts, Bash);

    (BatchOptions Options, BatchSummary Summary, List<BatchEvent> Events) RunFakes(string scriptsDir, params string[] args)
    {
        // One job unless a test asks for more: events and results then come in a fixed order.
        var options = Parse(temp.Path, ["--scripts", scriptsDir, "--tag", "t", .. args.Contains("--jobs") ? [] : new[] { "--jobs", "1" }, .. args]);
        var events = new List<BatchEvent>();
        var summary = BatchRuns.Run(options, Tasks(options, BatchRuns.Select(BatchRuns.Discover(options.ScriptsDir), options.Only)), new LocalExecutor(options.Jobs), events.Add);
        return (options, summary, events);
    }

    [Fact]
    public void A_failing_script_fails_the_batch_and_its_log_is_kept_while_the_others_still_run()
    {
        var scripts = FakeScripts(("autograd", Succeeds("autograd", 0.5)), ("broken", Fails), ("xor", Succeeds("xor", 0.9)));
        var (options, summary, events) = RunFakes(scripts);

        summary.Failed.Should().BeTrue();
        summary.Scripts.Select(s => (s.Script, s.Status)).Should().Equal(("autograd", "completed"), ("xor", "completed"), ("broken", "failed"));
        var broken = summary.Scripts.Single(s => s.Script == "broken");
        broken.ExitCode.Should().Be(1);
        broken.Note.Should().Be("exit code 1: boom: something went wrong", "the first line on stderr is the cause");
        File.ReadAllText(Path.Combine(options.RunDir, broken.Log)).Should().Contain("about to fail").And.Contain("boom: something went wrong");
        File.ReadAllText(Path.Combine(options.RunDir, "xor.log")).Should().Contain("xor: training");
        events.OfType<ScriptFinished>().Select(e => e.Result.Script).Should().Equal("autograd", "xor", "broken");
    }

    [Fact]
    public void Run_all_never_deletes_a_scripts_folder_before_the_script_replaces_its_own_files()
    {
        var scripts = FakeScripts(("broken", Fails));
        var options = Parse(temp.Path, ["--scripts", scripts, "--tag", "t"]);
        var earlier = Path.Combine(options.RunDir, "broken", "metrics.json");
        Directory.CreateDirectory(Path.GetDirectoryName(earlier)!);
        File.WriteAllText(earlier, "an earlier run's good results");

        BatchRuns.Run(options, Tasks(options, BatchRuns.Discover(options.ScriptsDir)), new LocalExecutor(options.Jobs), _ => { });

        File.ReadAllText(earlier).Should().Be("an earlier run's good results", "a rerun that fails keeps what the last one wrote");
    }

    [Fact]
    public void Results_come_from_each_scripts_metrics_json()
    {
        var (_, summary, _) = RunFakes(FakeScripts(("xor", Succeeds("xor", 0.9))));
        var xor = summary.Scripts.Single();
        xor.Ok.Should().BeTrue();
        xor.KeyMetric.Should().Be(new KeyMetric("acc", 0.9, Better.Higher, null));
        xor.TrainSeconds.Should().Be(0.25);
        xor.WallSeconds.Should().BeInRange(0, 60, "rounded to 10 ms, a fake script can take 0");
        xor.Out.Should().Be("xor/");
        summary.Failed.Should().BeFalse();
    }

    [Fact]
    public void A_script_that_only_evaluated_a_loaded_model_is_ok_and_the_batch_passes()
    {
        // --eval-only: the script loads weights, evaluates, writes status "evaluated" and exits 0 (issue 19, class 8).
        var evaluated = FakeRuns.Record("xor") with { Status = RunStatus.Evaluated };
        var body = "cat > \"$out/metrics.json\" <<'JSON'\n" + RunRecords.ToJson(evaluated) + "JSON\n";
        var (_, summary, _) = RunFakes(FakeScripts(("xor", body), ("autograd", Succeeds("autograd", 0.5))));

        summary.Scripts.Select(s => (s.Script, s.Status, s.Ok)).Should().Equal(("autograd", "completed", true), ("xor", "evaluated", true));
        summary.Failed.Should().BeFalse("run-all exits 0 for it");
    }

    [Fact]
    public void Jobs_run_scripts_at_the_same_time_and_keep_the_results_in_the_chapter_s_order()
    {
        // Each fake notes when it started and ended (ms), and sleeps long enough that two workers must overlap.
        const string Timed = "date +%s%3N > \"$out/start\"; sleep 1; date +%s%3N > \"$out/end\"\n";
        var scripts = FakeScripts(("autograd", Timed + Succeeds("autograd", 0.5)), ("xor", Timed + Succeeds("xor", 0.9)),
            ("sequential", Timed + Succeeds("sequential", 0.7)));

        var (options, summary, events) = RunFakes(scripts, "--jobs", "2");

        options.Jobs.Should().Be(2);
        summary.Scripts.Select(s => s.Script).Should().Equal("autograd", "sequential", "xor");
        summary.Scripts.Should().OnlyContain(s => s.Ok);
        long Time(string script, string file) => long.Parse(File.ReadAllText(Path.Combine(options.RunDir, script, file)).Trim());
        (Time("sequential", "start") < Time("autograd", "end")).Should().BeTrue("the second job started while the first ran");
        events.OfType<ScriptFinished>().Should().HaveCount(3);
    }

    [Fact]
    public void Jobs_default_to_the_number_of_cores_and_must_be_positive()
    {
        Parse(temp.Path).Jobs.Should().Be(Environment.ProcessorCount);
        FluentActions.Invoking(() => Parse(temp.Path, "--jobs", "0")).Should().Throw<Ch13Exception>().Which.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Args_give_one_script_its_own_arguments_after_those_for_every_script()
    {
        var options = Parse(temp.Path, "--args", "mnist=--full --epochs 3", "--args", "xor=--lr 0.1", "--args", "mnist=--title 'a b'", "--", "--seed", "7");

        BatchRuns.ScriptArguments(options, "mnist").Should().EndWith(["--seed", "7", "--full", "--epochs", "3", "--title", "a b"]);
        BatchRuns.ScriptArguments(options, "xor").Should().EndWith(["--seed", "7", "--lr", "0.1"]);
        BatchRuns.ScriptArguments(options, "init").Should().EndWith(["--seed", "7"]);
        FluentActions.Invoking(() => Parse(temp.Path, "--args", "mnist")).Should().Throw<Ch13Exception>()
            .Which.Message.Should().Contain("--args takes SCRIPT=");
    }

    [Fact]
    public void Arguments_a_script_does_not_take_are_reported_before_anything_runs()
    {
        // A fake that refuses --full as a section script's parser would, and another that takes it.
        const string Refuses = "for a in $rest; do [ \"$a\" = --full ] && { echo 'xor: unknown option --full. Try --help.' >&2; exit 2; }; done\necho help\n";
        const string Takes = "echo help\n";
        var scripts = FakeScripts(("xor", Refuses), ("mnist", Takes));
        var options = Parse(temp.Path, ["--scripts", scripts, "--tag", "t", "--", "--full"]);

        var error = FluentActions.Invoking(() => BatchRuns.CheckArguments(options, ["xor", "mnist"], Bash)).Should().Throw<Ch13Exception>().Which;

        error.ExitCode.Should().Be(2);
        error.Message.Should().StartWith("run-all: nothing was run").And.Contain("xor: xor: unknown option --full").And.NotContain("mnist:");
        (Directory.Exists(options.RunDir) ? Directory.GetFiles(options.RunDir, "*.json", SearchOption.AllDirectories) : []).Should().BeEmpty("no script ran");
        FluentActions.Invoking(() => BatchRuns.CheckArguments(Parse(temp.Path, ["--scripts", scripts, "--args", "mnist=--full"]), ["xor", "mnist"], Bash))
            .Should().NotThrow();
        FluentActions.Invoking(() => BatchRuns.CheckArguments(Parse(temp.Path, ["--scripts", scripts, "--args", "lightning=--full"]), ["xor", "mnist"], Bash))
            .Should().Throw<Ch13Exception>().Which.Message.Should().Contain("'lightning', which this batch does not run");
    }

    [Fact]
    public void Quick_and_the_extra_arguments_reach_every_script()
    {
        var (options, _, _) = RunFakes(FakeScripts(("xor", Succeeds("xor", 0.9))), "--quick", "--", "--epochs", "3");
        File.ReadAllText(Path.Combine(options.RunDir, "xor.log")).Should().Contain("quick=true, args: --epochs 3");
        JsonNode.Parse(File.ReadAllText(Path.Combine(options.RunDir, "xor", "metrics.json")))!["quick"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void Only_runs_just_the_named_scripts()
    {
        var (options, summary, _) = RunFakes(FakeScripts(("autograd", Succeeds("autograd", 0.5)), ("xor", Succeeds("xor", 0.9))), "--only", "xor");
        summary.Scripts.Select(s => s.Script).Should().Equal("xor");
        Directory.Exists(Path.Combine(options.RunDir, "autograd")).Should().BeFalse();
    }

    [Fact]
    public void Scripts_not_yet_started_are_skipped_when_the_batch_is_cancelled()
    {
        var scripts = FakeScripts(("autograd", Succeeds("autograd", 0.5)), ("xor", Succeeds("xor", 0.9)));
        var options = Parse(temp.Path, "--scripts", scripts, "--tag", "t", "--jobs", "1");
        using var cancel = new CancellationTokenSource();
        var summary = BatchRuns.Run(options, Tasks(options, BatchRuns.Discover(scripts)), new LocalExecutor(options.Jobs), e => { if (e is ScriptFinished) cancel.Cancel(); }, cancel.Token);
        summary.Scripts.Select(s => s.Status).Should().Equal("completed", "skipped");
        summary.Failed.Should().BeTrue();
    }

    [Theory]
    [InlineData(3, "diverged")]
    [InlineData(130, "interrupted")]
    [InlineData(143, "interrupted")]
    [InlineData(0, "failed")]
    [InlineData(2, "failed")]
    public void Exit_codes_without_metrics_map_to_statuses(int exitCode, string status)
    {
        var result = ScriptResults.Read(temp.Path, "xor", exitCode, 1.0);
        result.Status.Should().Be(status);
        result.Ok.Should().BeFalse();
        result.Note.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void A_metrics_json_that_is_not_a_run_record_fails_the_script_saying_so()
    {
        Directory.CreateDirectory(Path.Combine(temp.Path, "xor"));
        File.WriteAllText(Path.Combine(temp.Path, "xor", "metrics.json"), """{"script": "xor", "status": "completed"}""");

        var result = ScriptResults.Read(temp.Path, "xor", 0, 1.0);

        result.Status.Should().Be("failed");
        result.Note.Should().Contain("not a ch13 run record");
        result.KeyMetric.Should().BeNull();
    }

    [Fact]
    public void Summary_json_and_markdown_list_every_script_with_status_times_and_key_metric()
    {
        var scripts = FakeScripts(("autograd", Succeeds("autograd", 0.5)), ("broken", Fails));
        var (options, summary, _) = RunFakes(scripts);
        var references = new Dictionary<string, ScriptReference>
        {
            ["autograd"] = new("autograd", "section", null, [new ReferenceValue("acc", null, "acc", null, [0.75], "0.75", 2)]),
        };
        BatchSummaries.Write(options.RunDir, summary, references);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(options.RunDir, "summary.json")))!;
        json["name"]!.GetValue<string>().Should().Be("t");
        var rows = json["scripts"]!.AsArray();
        rows.Select(r => r!["script"]!.GetValue<string>()).Should().Equal("autograd", "broken");
        rows[0]!["status"]!.GetValue<string>().Should().Be("completed");
        rows[0]!["key_metric"]!["value"]!.GetValue<double>().Should().Be(0.5);
        rows[1]!["exit_code"]!.GetValue<int>().Should().Be(1);
        rows[1]!["log"]!.GetValue<string>().Should().Be("broken.log");

        var md = File.ReadAllLines(Path.Combine(options.RunDir, "summary.md"));
        md[0].Should().Be("# ch13 run `t`");
        md.Should().Contain(l => l.Contains("**1 ok, 1 failed**"));
        md.Should().Contain(l => l.StartsWith("| script | status | wall (s) | train (s) | key metric | value | notebook | log |"));
        md.Should().Contain(l => l.StartsWith("| [autograd](autograd/) | ✅ completed |") && l.Contains("| acc | 0.5000 | 0.75 | [autograd.log](autograd.log) |"));
        md.Should().Contain(l => l.StartsWith("| [broken](broken/) | ❌ failed (exit code 1: boom: something went wrong) |"));

        var plain = TextTables.ToText(BatchSummaries.Table(summary, references)).Split('\n');
        plain[0].Should().StartWith("script").And.Contain("key metric");
        plain.Should().Contain(l => l.StartsWith("broken") && l.Contains("failed"));
    }

    [Fact]
    public void Seeds_take_a_list_or_a_count_and_go_in_the_help()
    {
        Parse(temp.Path).Seeds.Should().BeNull("no --seeds: one run per script, as always");
        Parse(temp.Path, "--seeds", "1,2,3").Seeds.Should().Equal(1, 2, 3);
        Parse(temp.Path, "--seeds", "5").Seeds.Should().Equal(1, 2, 3, 4, 5);
        Parse(temp.Path, "--seeds", "7,3", "--seeds", "10").Seeds.Should().Equal(3, 7, 10);
        Parse(temp.Path, "--seeds", "100").Seeds.Should().HaveCount(100);
        BatchArgs.Usage.Should().Contain("\n  --seeds a,b|N ");
    }

    [Theory]
    [InlineData(new[] { "--seeds", "0" }, "--seeds takes positive integers")]
    [InlineData(new[] { "--seeds", "1,-2" }, "--seeds takes positive integers")]
    [InlineData(new[] { "--seeds", "two" }, "got 'two'")]
    [InlineData(new[] { "--seeds", "1,2,1" }, "--seeds lists seed 1 twice")]
    [InlineData(new[] { "--seeds", "101" }, "--seeds runs at most 100 seeds, got 101")]
    [InlineData(new[] { "--seeds", "3", "--", "--seed", "7" }, "drop the --seed after --")]
    [InlineData(new[] { "--seeds", "3", "--", "--seed=7" }, "drop the --seed after --")]
    [InlineData(new[] { "--seeds", "3", "--args", "xor=--epochs 2 --seed 7" }, "drop the --seed in --args xor=")]
    public void Bad_seeds_are_usage_errors_with_exit_code_2(string[] args, string message) =>
        Bad_arguments_are_usage_errors_with_exit_code_2(args, message);

    [Fact]
    public void A_sweep_runs_each_script_once_per_seed_script_by_script_into_seed_folders()
    {
        var options = Parse(temp.Path, "--seeds", "2", "--quick");
        var tasks = Tasks(options, ["autograd", "xor"]);

        tasks.Select(t => (t.Index, t.Name)).Should().Equal((0, "autograd/seed-1"), (1, "autograd/seed-2"), (2, "xor/seed-1"), (3, "xor/seed-2"));
        tasks[3].Command.ArgumentList.Skip(1).Should().Equal("--out", Path.Combine(options.RunDir, "xor", "seed-2"), "--seed", "2", "--quick");
        tasks[3].LogPath.Should().Be(Path.Combine(options.RunDir, "xor", "seed-2.log"));
        Tasks(Parse(temp.Path), ["xor"]).Single().Should().Match<ScriptTask>(t => t.Name == "xor" && t.Seed == null && t.LogName == "xor.log");
        ScriptTask.ParseName("xor/seed-2").Should().Be(("xor", (int?)2));
        ScriptTask.ParseName("xor").Should().Be(("xor", (int?)null));
        foreach (var bad in new[] { "", "../x", "xor/seed-02", "xor/other", "a/b/seed-1" }) ScriptTask.ParseName(bad).Should().BeNull(bad);
    }

    [Fact]
    public void A_sweep_leaves_a_folder_and_a_log_per_seed_and_a_result_with_its_seed()
    {
        var scripts = FakeScripts(("autograd", Succeeds("autograd", 0.5)), ("xor", Succeeds("xor", 0.9)));
        var (options, summary, events) = RunFakes(scripts, "--seeds", "1,3");

        summary.Scripts.Select(s => (s.Script, s.Seed, s.Status)).Should().Equal(
            ("autograd", 1, "completed"), ("autograd", 3, "completed"), ("xor", 1, "completed"), ("xor", 3, "completed"));
        var xor3 = summary.Scripts[3];
        (xor3.Out, xor3.Log).Should().Be(("xor/seed-3/", "xor/seed-3.log"));
        File.ReadAllText(Path.Combine(options.RunDir, "xor", "seed-3.log")).Should().Contain("args: --seed 3", "the seed reaches the script");
        File.Exists(Path.Combine(options.RunDir, "xor", "seed-3", "metrics.json")).Should().BeTrue();
        xor3.Folder!.Seed.Should().Be(3);
        ScriptResults.FolderOf(options.RunDir, xor3 with { Folder = null }).Should().Match<ScriptFolder>(f => f.Seed == 3 && f.Record != null);
        events.OfType<ScriptFinished>().Select(e => e.Seed).Should().Equal(1, 3, 1, 3);
        RunFolders.Groups(options.RunDir).Select(g => (g.Script, g.Runs.Count)).Should().Equal(("autograd", 2), ("xor", 2));
    }

    [Fact]
    public void Summary_json_writes_a_seed_only_in_a_sweep()
    {
        var scripts = FakeScripts(("xor", Succeeds("xor", 0.9)));
        var (plainOptions, plain, _) = RunFakes(scripts);
        BatchSummaries.Write(plainOptions.RunDir, plain, new Dictionary<string, ScriptReference>());
        var plainRow = JsonNode.Parse(File.ReadAllText(Path.Combine(plainOptions.RunDir, "summary.json")))!["scripts"]![0]!.AsObject();
        plainRow.Select(p => p.Key).Should().Equal(["script", "status", "exit_code", "wall_seconds", "train_seconds", "key_metric", "log", "out", "note"],
            "a single-seed batch's summary.json keeps its shape");
        plainRow["note"].Should().BeNull("nulls other than the seed are still written");

        var sweepOptions = Parse(temp.Path, "--scripts", scripts, "--tag", "sweep", "--jobs", "1", "--seeds", "2");
        var sweep = BatchRuns.Run(sweepOptions, Tasks(sweepOptions, ["xor"]), new LocalExecutor(1), _ => { });
        BatchSummaries.Write(sweepOptions.RunDir, sweep, new Dictionary<string, ScriptReference>());
        var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(sweepOptions.RunDir, "summary.json")))!["scripts"]!.AsArray();
        rows.Select(r => r!["seed"]!.GetValue<int>()).Should().Equal(1, 2);
        rows.Select(r => r!["out"]!.GetValue<string>()).Should().Equal("xor/seed-1/", "xor/seed-2/");
        var md = File.ReadAllText(Path.Combine(sweepOptions.RunDir, "summary.md"));
        md.Should().Contain("1 script × 2 seeds (2 runs)").And.Contain("## Runs, by seed").And.Contain("[xor/seed-2.log](xor/seed-2.log)");
    }

    [Fact]
    public void The_summary_shows_a_sweeps_seeds_as_one_row_with_the_key_metrics_mean_sd_and_n()
    {
        ScriptResult Seeded(string script, int seed, double? value, string status = "completed") =>
            new(script, status, status == "skipped" ? null : 0, 2.0 + seed, 1.0, value is { } v ? new KeyMetric("valid_acc", v, Better.Higher, "MLP") : null,
                $"{script}/seed-{seed}.log", $"{script}/seed-{seed}/", status == "failed" ? "exit code 1: boom" : null, seed);
        var values = new[] { 0.93, 0.95, 0.955 };
        var summary = new BatchSummary("s", "2026-01-01T00:00:00+00:00", 9, true, "csx", [],
        [
            .. values.Select((v, i) => Seeded("xor", i + 1, v)),
            Seeded("sequential", 1, 0.8), Seeded("sequential", 2, null, "failed"), Seeded("sequential", 3, null, "skipped"),
        ]);

        var table = BatchSummaries.Table(summary, new Dictionary<string, ScriptReference>());

        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)); // sample sd, n − 1
        table.Rows.Should().HaveCount(2, "one row per script");
        table.Rows[0].Select(c => c.Text).Should().Equal("xor", "ok 3/3", "4.0", "1.0", "MLP · valid_acc",
            $"{mean.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)} ± {sd.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)} (n=3)", "");
        table.Rows[0][1].Style.Should().Be(CellStyle.Ok);
        table.Rows[1].Select(c => c.Text).Take(6).Should().Equal("sequential", "ok 1/3, 1 failed, 1 skipped", "3.5", "1.0", "MLP · valid_acc", "0.8000 (n=1)");
        table.Rows[1][1].Style.Should().Be(CellStyle.Bad);
        BatchHeadline.Of(summary).Should().Contain("2 scripts × 3 seeds (6 runs)").And.Contain("**4 ok, 1 failed, 1 skipped**");
        BatchSummaries.NarrowTable(summary, new Dictionary<string, ScriptReference>()).Rows[0].Select(c => c.Text).Should()
            .Equal("xor", "ok 3/3", "4.0", $"MLP · valid_acc {table.Rows[0][5].Text}", "");
    }

    [Fact]
    public void Seeds_not_yet_started_are_skipped_with_their_seed_when_a_sweep_is_cancelled()
    {
        var scripts = FakeScripts(("xor", Succeeds("xor", 0.9)));
        var options = Parse(temp.Path, "--scripts", scripts, "--tag", "t", "--jobs", "1", "--seeds", "3");
        using var cancel = new CancellationTokenSource();
        var summary = BatchRuns.Run(options, Tasks(options, ["xor"]), new LocalExecutor(1), e => { if (e is ScriptFinished) cancel.Cancel(); }, cancel.Token);
        summary.Scripts.Select(s => (s.Seed, s.Status)).Should().Equal((1, "completed"), (2, "skipped"), (3, "skipped"));
        BatchSummaries.Table(summary, new Dictionary<string, ScriptReference>()).Rows.Single()[1].Text.Should().Be("ok 1/3, 2 skipped");
    }

    [Fact]
    public void The_live_table_shows_a_sweeps_seeds_as_one_row_running_then_ended()
    {
        var options = Parse(temp.Path, "--seeds", "3");
        var tasks = Tasks(options, ["xor"]);
        var states = tasks.Select(_ => LiveRow.Waiting).ToList();
        void Send(BatchEvent e) => states[e.Index] = BatchConsole.Apply(e, states[e.Index]);
        ScriptResult Ended(int seed, double value) => new("xor", "completed", 0, seed, 0.5, new KeyMetric("valid_acc", value, Better.Higher, null), "", "", null, seed);

        Send(new ScriptFinished(Ended(1, 0.9), 0, 3) { Seed = 1 });
        Send(new ScriptStarted("xor", 1, 3) { Seed = 2 });
        Send(new ScriptRunning("xor", 1, 3, 4.2, "Epoch 3/20 loss 0.41") { Seed = 2 });
        var running = BatchConsole.Row(tasks, states);
        (running.Status.Text, running.Time, running.Detail).Should().Be(("running", "4 s", "1/3 seeds · seed 2: Epoch 3/20 loss 0.41"));

        Send(new ScriptFinished(Ended(2, 0.8), 1, 3) { Seed = 2 });
        Send(new ScriptFinished(Ended(3, 0.7), 2, 3) { Seed = 3 });
        var ended = BatchConsole.Row(tasks, states);
        (ended.Status.Text, ended.Status.Style, ended.Time, ended.Detail).Should().Be(("ok 3/3", CellStyle.Ok, "2.0 s", "valid_acc 0.8000 ± 0.1000 (n=3)"));

        var single = Tasks(Parse(temp.Path), ["xor"]);
        BatchConsole.Row(single, [BatchConsole.Apply(new ScriptStarted("xor", 0, 1), LiveRow.Waiting)]).Status.Text.Should().Be("running", "a single run's row is its own");
    }

    static bool IsDotnetScriptInstalled()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", "script --version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit(60_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    public void Dispose() => temp.Dispose();
}
