using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ch13.Tests;

/// <summary>The run record behind metrics.json: its JSON form, its published schema, and reading it back.</summary>
public sealed class RunRecordTests
{
    static RunRecord Record(params Series[] series) => new(
        RunRecords.SchemaVersion, "xor", "a test record", RunStatus.Diverged, DivergedAtEpoch: 2, Seed: 1, Epochs: 3, Quick: false,
        new KeyMetric("valid_acc", double.NaN, Better.Higher, "MLP 2-10-6-2"), ["--lr", "1e6"],
        JsonSerializer.SerializeToElement(new { lr = 1e6, model = "MLP" }), series,
        [RunValue.OfText("note", "hand-built"), RunValue.OfMatrix("matrix", new double[,] { { 1, 2 }, { 3, double.PositiveInfinity } })],
        new RunEnvironment("0.107.0", "2.7.1", 1, "Linux", "X64", "10.0.0", "tests"),
        new RunTimings(DateTimeOffset.UnixEpoch.ToString("o", CultureInfo.InvariantCulture), 0.25, 1.5,
            new Dictionary<string, double> { ["Linear(2, 2)"] = 0.1, ["MLP 2-10-6-2"] = 0.15 }));

    static readonly RunRecord Diverged = Record(
        new Series("Linear(2, 2)", RunStatus.Completed, [new(1, 0.7, 0.5, 0.69, 0.55, 0.015), new(2, 0.6, 0.6, 0.59, 0.6, 0.015)],
            [RunValue.Of("test_acc", 0.61, Better.Higher), RunValue.OfList("lr_cut_epochs", [])]),
        new Series("MLP 2-10-6-2", RunStatus.Diverged, [new(1, 0.7, 0.5, 0.69, 0.55, 0.015), new(2, double.NaN, null, double.NaN, null, 0.015)],
            [RunValue.Of("best_epoch", 1), RunValue.Of("never_reached", null)]));

    [Fact]
    public void A_record_with_NaN_losses_validates_against_the_published_schema_and_round_trips()
    {
        var json = RunRecords.ToJson(Diverged);

        RecordSchema.Errors(TestPaths.RepoRoot, json).Should().BeEmpty();
        var back = RunRecords.Parse(json, "test");
        RunRecords.ToJson(back).Should().Be(json);
        back.SeriesNamed("MLP 2-10-6-2")!.Final!.TrainLoss.Should().Be(double.NaN);
        back.SeriesNamed("MLP 2-10-6-2")!.Value("never_reached")!.Number.Should().BeNull();
        back.Result("matrix")!.Numbers.Should().Equal(1, 2, 3, double.PositiveInfinity);
        back.Config.GetProperty("lr").GetDouble().Should().Be(1e6);
    }

    [Fact]
    public void Metrics_json_reads_well_snake_case_statuses_as_words_NaN_as_a_string_and_no_nulls()
    {
        var json = JsonNode.Parse(RunRecords.ToJson(Diverged))!;

        json["status"]!.GetValue<string>().Should().Be("diverged");
        json["key_metric"]!["better"]!.GetValue<string>().Should().Be("higher");
        var mlp = json["series"]![1]!;
        mlp["name"]!.GetValue<string>().Should().Be("MLP 2-10-6-2");
        mlp["final"]!["train_loss"]!.GetValue<string>().Should().Be("NaN");
        mlp["history"]![1]!.AsObject().ContainsKey("train_acc").Should().BeFalse("nulls are left out");
        mlp.AsObject().Select(p => p.Key).Should().Equal("name", "status", "values", "final", "history");
        json["results"]![1]!["shape"]!.AsArray().Select(n => n!.GetValue<int>()).Should().Equal(2, 2);
    }

    [Fact]
    public void The_schema_rejects_what_is_not_a_record()
    {
        var json = JsonNode.Parse(RunRecords.ToJson(Diverged))!.AsObject();
        json["status"] = "finished";
        json.Remove("series");

        var errors = RecordSchema.Errors(TestPaths.RepoRoot, json.ToJsonString());

        errors.Should().Contain(e => e.Contains("/status")).And.Contain(e => e.Contains("series"));
    }

    [Fact]
    public void Parse_names_the_file_when_it_is_not_a_record_of_this_version()
    {
        var act = () => RunRecords.Parse("""{"schema_version": 0}""", "out/xor/metrics.json");
        act.Should().Throw<Ch13Exception>().WithMessage("*out/xor/metrics.json*");

        var old = JsonNode.Parse(RunRecords.ToJson(Diverged))!;
        old["schema_version"] = 99;
        var stale = () => RunRecords.Parse(old.ToJsonString(), "old.json");
        stale.Should().Throw<Ch13Exception>().WithMessage("*schema version 99*Run the script again*");
    }

    [Theory]
    [InlineData(RunStatus.Completed, 0)]
    [InlineData(RunStatus.EarlyStopped, 0)]
    [InlineData(RunStatus.Diverged, 3)]
    [InlineData(RunStatus.Interrupted, 130)]
    public void A_status_prints_as_metrics_json_writes_it_and_has_its_exit_code(RunStatus status, int exitCode)
    {
        JsonSerializer.Serialize(status, RunRecords.Json).Should().Be($"\"{RunStatuses.Text(status)}\"");
        RunStatuses.ExitCode(status).Should().Be(exitCode);
    }
}
