using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ch13.Tests;

/// <summary>metrics.json's config is written from a typed RunConfig: its keys, and the schema that says so.</summary>
public sealed class RunConfigTests
{
    static readonly RunConfig Trained = new RunConfig("blobs", 670, 330, Training: new TrainConfig(Epochs: 2, LogEvery: 39),
        Optimizer: new Sgd(0.01, Momentum: 0.9), LossFunction: new CrossEntropy(), Model: "Sequential()").With(("draws_before_model", 3352));

    static JsonObject Json(RunConfig config) => JsonSerializer.SerializeToNode(config, RunRecords.Json)!.AsObject();

    [Fact]
    public void A_config_writes_the_specs_under_the_keys_the_tools_read_and_the_script_s_settings_after_them()
    {
        var json = Json(Trained);

        json.Select(p => p.Key).Should().Equal("data", "train_size", "valid_size", "training", "optimizer", "model", "loss", "draws_before_model");
        json["training"]!["epochs"]!.GetValue<int>().Should().Be(2);
        json["optimizer"]!["learning_rate"]!.GetValue<double>().Should().Be(0.01);
        json["optimizer"]!["momentum"]!.GetValue<double>().Should().Be(0.9, "an SGD is written as an SGD, not as its base type");
        json["optimizer"]!["name"]!.GetValue<string>().Should().Be("sgd");
        json["loss"]!.GetValue<string>().Should().Be("cross_entropy");
        json["draws_before_model"]!.GetValue<int>().Should().Be(3352);
    }

    [Fact]
    public void An_evaluated_config_keeps_the_data_the_file_and_the_model_and_drops_the_training()
    {
        var json = Json((Trained with { TestSize = 200 }).Evaluated("/w/model.pth", torch.nn.Linear(2, 2)));

        json.Select(p => p.Key).Should().Equal("data", "test_size", "model", "weights", "draws_before_model");
        json["model"]!.GetValue<string>().Should().StartWith("Linear(");
    }

    [Fact]
    public void A_record_with_a_typed_config_validates_and_one_without_the_data_s_name_does_not()
    {
        var run = new Run("sequential", TestPaths.RepoRoot, Path.GetTempPath(), Seed: 1, Epochs: 2, Quiet: true, Quick: false,
            ArgParser.Parse("sequential", [], CommonOptions.All(2)), [], DateTimeOffset.Now, Stopwatch.GetTimestamp(), CancellationToken.None);
        var json = RunRecords.ToJson(Runs.Record(run, Trained, []));

        RecordSchema.Errors(TestPaths.RepoRoot, json).Should().BeEmpty();
        var node = JsonNode.Parse(json)!.AsObject();
        node["config"]!.AsObject().Remove("data");
        RecordSchema.Errors(TestPaths.RepoRoot, node.ToJsonString()).Should().Contain(e => e.Contains("config") || e.Contains("data"));
    }
}
