#nullable enable
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TorchSharp;
using static TorchSharp.torch;

// A run's settings as metrics.json records them ("config"), typed: built from the specs the script already holds
// (TrainConfig, OptimizerSpec, LossSpec, the data's name and sizes, the models' structure). What only one script has
// (the notebook's RNG replays, Auto MPG's scaler, the trainer's settings) goes into Settings, written beside the rest.

/// <summary>
/// What a script ran with: its data (name and sizes), training loop, optimiser, loss, model(s) and, for
/// <c>--weights</c>, the file. Null members are not written. <see cref="With"/> adds a setting of the script's own.
/// </summary>
public sealed record RunConfig(
    [property: Description("The data set (xor, blobs, auto-mpg, mnist …).")] string Data,
    [property: Description("Training examples.")] long? TrainSize = null,
    [property: Description("Validation examples.")] long? ValidSize = null,
    [property: Description("Test examples.")] long? TestSize = null,
    [property: Description("The training loop: epochs, batch size, shuffling, how often the notebook's line prints.")] TrainConfig? Training = null,
    [property: Description("The optimiser: its PyTorch name and settings.")] OptimizerSpec? Optimizer = null,
    [property: JsonIgnore] LossSpec? LossFunction = null,
    [property: Description("The model's structure as PyTorch prints it.")] string? Model = null,
    [property: Description("Each model's structure as PyTorch prints it, by role, when a script trains several.")] IReadOnlyDictionary<string, string>? Models = null,
    [property: Description("The state_dict the model started from (--weights), as a full path.")] string? Weights = null)
{
    string? loss;

    /// <summary>The loss by name (<c>cross_entropy</c>, <c>mse</c>), from <see cref="LossFunction"/> unless set.</summary>
    [Description("The loss: cross_entropy, mse, or a formula.")]
    public string? Loss
    {
        get => loss ?? LossFunction switch
        {
            null => null,
            CrossEntropy => "cross_entropy",
            MeanSquaredError => "mse",
            var other => other.GetType().Name,
        };
        init => loss = value;
    }

    /// <summary>The script's own settings, written after the typed ones under their keys.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Settings { get; init; }

    /// <summary>This configuration with the script's own settings added (each value as metrics.json writes it).</summary>
    public RunConfig With(params (string Key, object? Value)[] settings)
    {
        var all = new Dictionary<string, JsonElement>(Settings ?? []);
        foreach (var (key, value) in settings) all[key] = JsonSerializer.SerializeToElement(value, RunConfigs.Json);
        return this with { Settings = all };
    }

    /// <summary>
    /// The usual configuration of a script that trained <paramref name="model"/> on <paramref name="data"/> (named
    /// <paramref name="name"/>) with the run's training loop and optimiser and <paramref name="loss"/>.
    /// </summary>
    public static RunConfig Of(Run run, string name, TrainTest<ArrayData> data, LossSpec loss, nn.Module model) =>
        new(name, data.Train.Count, data.Test.Count, Training: run.Training, Optimizer: run.Optimizer, LossFunction: loss, Model: Nets.Describe(model));

    /// <summary>
    /// What an <c>--eval-only</c> run records: the data's name and the evaluated split's size, the file and the model;
    /// nothing about training (nothing was trained).
    /// </summary>
    public RunConfig Evaluated(string? weights, nn.Module model) =>
        new(Data, ValidSize: TestSize is null ? ValidSize : null, TestSize: TestSize, Weights: weights, Model: Nets.Describe(model)) { Settings = Settings };
}

/// <summary>How run configurations are written: metrics.json's form, with each optimiser as its own type.</summary>
public static class RunConfigs
{
    /// <summary>
    /// Adds the optimiser types to <see cref="OptimizerSpec"/>, so a config writes an SGD's momentum and an Adam's
    /// weight decay, not only the learning rate the base type declares (and the schema lists both forms).
    /// </summary>
    public static void DerivedOptimizers(JsonTypeInfo info)
    {
        if (info.Type != typeof(OptimizerSpec)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { DerivedTypes = { new(typeof(Sgd)), new(typeof(Adam)) } };
    }

    /// <summary>The options a script's own settings are written with (those of metrics.json).</summary>
    public static JsonSerializerOptions Json => RunRecords.Json;
}
