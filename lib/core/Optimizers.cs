#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>Turns an <see cref="OptimizerSpec"/> into an optimiser (one switch, so choices stay closed).</summary>
public static class Optimizers
{
    /// <summary>
    /// The flat versions of TorchSharp's SGD and Adam (<see cref="FlatSgd"/>, <see cref="FlatAdam"/>): the same updates
    /// bit for bit, as a handful of ops per step instead of a handful per parameter tensor. Every script trains through
    /// these. An effect to know about: they move the parameters' storage (and their gradients') into one buffer each, so
    /// each parameter becomes a view of it (<see cref="FlatParameters"/>); the module keeps its parameter objects.
    /// </summary>
    public static optim.Optimizer Flat(OptimizerSpec spec, IEnumerable<Parameter> parameters) => spec switch
    {
        Sgd sgd => new FlatSgd(parameters, sgd.LearningRate, momentum: sgd.Momentum, weightDecay: sgd.WeightDecay),
        Adam adam => new FlatAdam(parameters, adam.LearningRate, weightDecay: adam.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown optimizer spec"),
    };

    /// <summary>The current learning rate of the first parameter group.</summary>
    public static double LearningRate(optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;
}
