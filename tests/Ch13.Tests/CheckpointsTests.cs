using static TorchSharp.torch;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class CheckpointsTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static readonly MlpSpec Digits = new(784, [32, 16], 10, Activation.ReLU, Flatten: true);

    static nn.Module<Tensor, Tensor> Build(MlpSpec spec, int seed)
    {
        manual_seed(seed);
        return Nets.Mlp(spec);
    }

    static float[] Parameters(nn.Module module) => module.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void Save_then_load_round_trips_to_identical_predictions()
    {
        using var saved = Build(Digits, seed: 1);
        using var other = Build(Digits, seed: 2);
        manual_seed(3);
        using var x = rand(50, 28, 28);
        var path = Path.Combine(temp.Path, "best_model.bin");

        Checkpoints.Save(saved, path);
        Parameters(other).Should().NotEqual(Parameters(saved));
        Checkpoints.Load(other, path);

        Parameters(other).Should().Equal(Parameters(saved));
        Metrics.PredictClasses(other, x).Should().Equal(Metrics.PredictClasses(saved, x));
        using var a = saved.call(x);
        using var b = other.call(x);
        a.data<float>().ToArray().Should().Equal(b.data<float>().ToArray());
    }

    [Fact]
    public void A_checkpoint_of_another_architecture_names_the_parameter_and_both_shapes()
    {
        using var saved = Build(Digits, seed: 1);
        using var wider = Build(Digits with { HiddenUnits = [64, 16] }, seed: 2);
        var path = Path.Combine(temp.Path, "best_model.bin");
        Checkpoints.Save(saved, path);
        var before = Parameters(wider);

        var act = () => Checkpoints.Load(wider, path);

        act.Should().Throw<Ch13Exception>()
           .WithMessage("*parameter '1.weight' has shape [32, 784] in the checkpoint but [64, 784] in the model*");
        Parameters(wider).Should().Equal(before, "a failed load leaves the model untouched");
    }

    [Fact]
    public void Missing_and_extra_entries_are_named()
    {
        using var small = Build(new MlpSpec(4, [3], 2), seed: 1);
        using var deeper = Build(new MlpSpec(4, [3, 3], 2), seed: 1);
        var smallPath = Path.Combine(temp.Path, "small.bin");
        var deeperPath = Path.Combine(temp.Path, "deeper.bin");
        Checkpoints.Save(small, smallPath);
        Checkpoints.Save(deeper, deeperPath);

        FluentActions.Invoking(() => Checkpoints.Load(deeper, smallPath)).Should().Throw<Ch13Exception>()
            .WithMessage("*parameter '2.weight' has shape [2, 3]*but [3, 3]*");
        FluentActions.Invoking(() => Checkpoints.Load(small, deeperPath)).Should().Throw<Ch13Exception>()
            .WithMessage("*parameter '2.weight' has shape [3, 3]*but [2, 3]*");
        using var noBias = torch.nn.Linear(4, 2, hasBias: false);
        using var withBias = torch.nn.Linear(4, 2);
        var linearPath = Path.Combine(temp.Path, "linear.bin");
        Checkpoints.Save(withBias, linearPath);
        FluentActions.Invoking(() => Checkpoints.Load(noBias, linearPath)).Should().Throw<Ch13Exception>()
            .WithMessage("*holds 'bias' [2], which the model does not have*");
        Checkpoints.Save(noBias, linearPath);
        FluentActions.Invoking(() => Checkpoints.Load(withBias, linearPath)).Should().Throw<Ch13Exception>()
            .WithMessage("*the model's 'bias' [2] is not in the checkpoint*");
    }

    [Fact]
    public void Read_lists_names_types_and_shapes_in_state_dict_order()
    {
        using var model = Build(new MlpSpec(4, [3], 2), seed: 1);
        var path = Path.Combine(temp.Path, "m.bin");
        Checkpoints.Save(model, path);
        Checkpoints.Read(path).Select(e => $"{e.Name} {e.DType} {Checkpoints.Shape(e.Shape)}")
            .Should().Equal("0.weight Float32 [3, 4]", "0.bias Float32 [3]", "2.weight Float32 [2, 3]", "2.bias Float32 [2]");
    }

    [Fact]
    public void Missing_truncated_or_foreign_files_are_reported_clearly()
    {
        using var model = Build(new MlpSpec(4, [3], 2), seed: 1);
        FluentActions.Invoking(() => Checkpoints.Load(model, Path.Combine(temp.Path, "nope.bin")))
            .Should().Throw<Ch13Exception>().WithMessage("*nope.bin not found*");

        var path = Path.Combine(temp.Path, "m.bin");
        Checkpoints.Save(model, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 5)]);
        FluentActions.Invoking(() => Checkpoints.Load(model, path))
            .Should().Throw<Ch13Exception>().WithMessage("*is not a state_dict: neither PyTorch's (.pth), safetensors nor a readable TorchSharp checkpoint*");

        File.WriteAllText(path, "PK\u0003\u0004 this is a PyTorch zip, not ours");
        FluentActions.Invoking(() => Checkpoints.Load(model, path))
            .Should().Throw<Ch13Exception>().WithMessage($"checkpoint {path} looks like a PyTorch state_dict*but is not a readable state_dict*")
            .Which.Message.Split('\n').Should().HaveCount(2, "one line of problem, one of fix");
    }

    [Theory]
    [InlineData("best_model.pth", CheckpointFormat.PyTorch)]
    [InlineData("model.safetensors", CheckpointFormat.Safetensors)]
    [InlineData("best_model.bin", CheckpointFormat.TorchSharp)]
    public void Save_writes_the_format_its_extension_names_and_load_reads_it_back(string name, CheckpointFormat format)
    {
        using var saved = Build(Digits, seed: 1);
        using var other = Build(Digits, seed: 2);
        var path = Path.Combine(temp.Path, name);
        Checkpoints.Save(saved, path);
        Checkpoints.FormatFor(path).Should().Be(format);
        Checkpoints.Detect(path).Should().Be(format, "the file's first bytes tell its format");
        Checkpoints.Load(other, path);
        Parameters(other).Should().Equal(Parameters(saved));
    }

    [Fact]
    public void A_pth_file_holds_zip_with_the_notebooks_sequential_names()
    {
        using var model = Build(Digits, seed: 1);
        var path = Path.Combine(temp.Path, "best_model.pth");
        Checkpoints.Save(model, path);
        File.ReadAllBytes(path)[..4].Should().Equal((byte)'P', (byte)'K', 3, 4);
        Checkpoints.Read(path).Select(e => $"{e.Name} {Checkpoints.Shape(e.Shape)}").Should().Equal(
            "1.bias [32]", "1.weight [32, 784]", "3.bias [16]", "3.weight [16, 32]", "5.bias [10]", "5.weight [10, 16]");
    }

    [Fact]
    public void A_pth_file_of_a_model_with_flat_parameters_reads_back()
    {
        // The flat optimisers make every parameter a view into one buffer; the file must hold each tensor's own bytes.
        using var saved = Build(Digits, seed: 1);
        using var other = Build(Digits, seed: 2);
        using var optimizer = Optimizers.Flat(new Adam(LearningRate: 0.001), saved.parameters());
        using var otherOptimizer = Optimizers.Flat(new Adam(LearningRate: 0.001), other.parameters());
        var path = Path.Combine(temp.Path, "best_model.pth");
        Checkpoints.Save(saved, path);
        Checkpoints.Load(other, path);
        Parameters(other).Should().Equal(Parameters(saved));
        manual_seed(3);
        using var x = rand(50, 28, 28);
        Metrics.PredictClasses(other, x).Should().Equal(Metrics.PredictClasses(saved, x), "the loaded values are what the model computes with");
    }

    [Fact]
    public void A_pth_file_of_another_architecture_names_the_key_and_both_shapes()
    {
        using var small = Build(new MlpSpec(4, [3], 2), seed: 1);
        using var wider = Build(new MlpSpec(4, [5], 2), seed: 1);
        var path = Path.Combine(temp.Path, "small.pth");
        Checkpoints.Save(small, path);
        var before = Parameters(wider);
        FluentActions.Invoking(() => Checkpoints.Load(wider, path)).Should().Throw<Ch13Exception>()
            .WithMessage("*does not fit this model: parameter '0.bias' has shape [3] in the checkpoint but [5] in the model*");
        Parameters(wider).Should().Equal(before);
    }

    [Fact]
    public void Saving_replaces_the_file_and_leaves_no_temp_files()
    {
        using var first = Build(new MlpSpec(4, [3], 2), seed: 1);
        using var second = Build(new MlpSpec(4, [3], 2), seed: 2);
        using var loaded = Build(new MlpSpec(4, [3], 2), seed: 3);
        var path = Path.Combine(temp.Path, "m.bin");
        Checkpoints.Save(first, path);
        Checkpoints.Save(second, path);
        Checkpoints.Load(loaded, path);
        Parameters(loaded).Should().Equal(Parameters(second));
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().Equal("m.bin");
    }
}
