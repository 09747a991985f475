using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// Our numbers against the ones the PyTorch notebook printed (../shared/seeds/chapter13-notebook.md, beside the repository).
/// Same operations in the same order on torch's generator give the same numbers, so each test replays the
/// notebook's order. Where the notebook's kernel had drawn more than its cells show (cells run again out of
/// order), the number of extra 32-bit draws was found by search: manual_seed(1), skip n draws, build, train one
/// epoch, compare; the hits below are the only exact ones for n up to 4000 (start-up seed: none).
/// </summary>
[Collection(TorchGlobalState.Name)]
public class FidelityTests
{
    static readonly TrainConfig OneEpoch = new(Epochs: 1, BatchSize: 20);

    static double FirstEpochValidLoss(nn.Module<Tensor, Tensor> model, TrainTest<ArrayData> data, OptimizerSpec optimizer)
    {
        using var train = Data.ToTensors(data.Train);
        using var valid = Data.ToTensors(data.Test);
        return Training.Fit(model, train, valid, OneEpoch, optimizer, new CrossEntropy()).Epochs[0].ValidLoss!.Value;
    }

    [Fact]
    public void Sequential_on_blobs_matches_the_notebook_from_the_state_its_kernel_was_in()
    {
        // Notebook: "Epoch [1/200], Loss: 0.6650936603546143". Its model cell ran 3352 draws after a manual_seed(1).
        manual_seed(1);
        TorchRandom.Skip(3352);
        using var model = Nets.Mlp(new MlpSpec(2, [10, 6], 2));
        manual_seed(1);
        FirstEpochValidLoss(model, Data.Blobs(), new Sgd(0.01)).Should().Be(0.6650936603546143);
    }

    [Fact]
    public void Sequential_built_from_a_fresh_process_seed_does_not_give_the_notebooks_log()
    {
        // What the cells say (model built before any manual_seed) gives 0.7021512389183044, not 0.66509…
        manual_seed(TorchRandom.StartupSeed);
        using var model = Nets.Mlp(new MlpSpec(2, [10, 6], 2));
        manual_seed(1);
        FirstEpochValidLoss(model, Data.Blobs(), new Sgd(0.01)).Should().BeApproximately(0.7021512389183044, 1e-6);
    }

    [Fact]
    public void Module_on_blobs_matches_the_notebook_exactly()
    {
        // Notebook: "Epoch [1/200], Loss: 0.7060620784759521". MyModule is built after the Sequential run's
        // 200 epochs of DataLoader draws (seeded with manual_seed(1)), and trained without a new seed.
        manual_seed(1);
        for (var epoch = 0; epoch < 200; epoch++) Loader.EpochOrder(670, shuffle: true);
        using var model = new MyModule();
        FirstEpochValidLoss(model, Data.Blobs(), new Sgd(0.01)).Should().Be(0.7060620784759521);
    }

    [Fact]
    public void Xor_module_matches_the_notebook_from_the_state_its_kernel_was_in()
    {
        // Notebook, "example 2": "Epoch [1/100], Loss: 0.6937592625617981" (later epochs agree to ~1e-6 relative).
        // Its MyModule was built 370 draws after the cell's manual_seed(1); straight after it gives 0.69292.
        manual_seed(1);
        TorchRandom.Skip(370);
        using var model = new MyModule();
        FirstEpochValidLoss(model, Data.Xor(), new Adam(0.015)).Should().Be(0.6937592625617981);

        manual_seed(1);
        using var asWritten = new MyModule();
        FirstEpochValidLoss(asWritten, Data.Xor(), new Adam(0.015)).Should().BeApproximately(0.6929249167442322, 1e-6);
    }

    [Fact]
    public void Noisy_module_on_xor_matches_the_notebook_to_float_rounding()
    {
        // Notebook: "Epoch [1/200], Loss: 0.6921265125274658", in the cells' own order (seed, build, seed, train).
        // Not bit-exact (0.6921266317…). Most likely the batch noise: normal_ on ≥ 16 values takes libtorch's
        // vectorised path, whose last bits can differ between builds/CPUs, while the demo's 2-value draws (scalar
        // path) match exactly; Adam and the shuffling are exact here (see the XOR test).
        manual_seed(1);
        using var model = new MyNoisyModule();
        manual_seed(1);
        FirstEpochValidLoss(model, Data.Xor(), new Adam(0.015)).Should().BeApproximately(0.6921265125274658, 1e-6);
    }

    [Fact]
    public void Skip_advances_the_generator_by_single_float_draws()
    {
        manual_seed(5);
        using var all = rand(10);
        manual_seed(5);
        TorchRandom.Skip(7);
        using var rest = rand(3);
        rest.allclose(all[7..], rtol: 0, atol: 0).Should().BeTrue();
    }
}
