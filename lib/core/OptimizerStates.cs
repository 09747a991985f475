#nullable enable
using System.Collections;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// OptimizerStates: an optimiser's state as PyTorch's optimizer.state_dict() lays it out, so a checkpoint can carry it
// and torch.optim.Adam(...).load_state_dict(...) in Python reads it:
//   {"state": {0: {"step": tensor(3.), "exp_avg": …, "exp_avg_sq": …}, 1: …}, "param_groups": [{"lr": …, "betas": (…), …, "params": [0, 1, …]}]}
// Restoring copies into the optimiser's own state tensors, so the flat optimisers' views into their buffers stay views.

/// <summary>Adam's and SGD's state (TorchSharp's and the flat ones) to and from PyTorch's <c>state_dict</c> layout.</summary>
public static class OptimizerStates
{
    /// <summary>
    /// PyTorch's <c>optimizer.state_dict()</c> for <paramref name="optimizer"/>: its tensors are copies with their own
    /// storage (the caller disposes them, e.g. with <see cref="Tensors.DisposeAll"/>). Adam and SGD, one parameter group.
    /// </summary>
    public static Dictionary<object, object?> ToPyTorch(optim.Optimizer optimizer)
    {
        var (helper, group) = SingleGroup(optimizer);
        var states = helper.state_dict().State;
        var state = new Dictionary<object, object?>();
        var parameterGroup = new Dictionary<object, object?> { ["lr"] = group.LearningRate };
        for (var i = 0; i < states.Count; i++)
        {
            switch (states[i])
            {
                case TorchSharp.Modules.Adam.State adam when adam.step > 0:
                    var entry = new Dictionary<object, object?>
                    {
                        // PyTorch ≥ 1.12 keeps step as a float tensor
                        ["step"] = full(Array.Empty<long>(), (float)adam.step),
                        ["exp_avg"] = Owned(adam.exp_avg),
                        ["exp_avg_sq"] = Owned(adam.exp_avg_sq),
                    };
                    if (adam.max_exp_avg_sq is { } max && ((TorchSharp.Modules.Adam.Options)group.Options).amsgrad == true) entry["max_exp_avg_sq"] = Owned(max);
                    state[i] = entry;
                    break;
                case TorchSharp.Modules.SGD.State sgd when sgd.momentum_buffer is { } buffer:
                    state[i] = new Dictionary<object, object?> { ["momentum_buffer"] = Owned(buffer) };
                    break;
            }
        }
        switch (group.Options)
        {
            case TorchSharp.Modules.Adam.Options a:
                parameterGroup["betas"] = new object[] { a.beta1!.Value, a.beta2!.Value };
                parameterGroup["eps"] = a.eps!.Value;
                parameterGroup["weight_decay"] = a.weight_decay!.Value;
                parameterGroup["amsgrad"] = a.amsgrad!.Value;
                parameterGroup["maximize"] = a.maximize!.Value;
                break;
            case TorchSharp.Modules.SGD.Options s:
                parameterGroup["momentum"] = s.momentum!.Value;
                parameterGroup["dampening"] = s.dampening!.Value;
                parameterGroup["weight_decay"] = s.weight_decay!.Value;
                parameterGroup["nesterov"] = s.nesterov!.Value;
                parameterGroup["maximize"] = s.maximize!.Value;
                break;
        }
        parameterGroup["params"] = Enumerable.Range(0, states.Count).Cast<object>().ToList();
        return new Dictionary<object, object?> { ["state"] = state, ["param_groups"] = new List<object> { parameterGroup } };
    }

    /// <summary>
    /// Loads a <see cref="ToPyTorch"/> dictionary (as read back from a file) into <paramref name="optimizer"/>: the
    /// learning rate, and every parameter's step count and moments (or momentum buffer), copied in place. Throws
    /// <see cref="Ch13Exception"/> when it belongs to another optimiser or model, before changing anything.
    /// </summary>
    public static void Restore(optim.Optimizer optimizer, IDictionary saved, string source)
    {
        var (helper, group) = SingleGroup(optimizer);
        var states = helper.state_dict().State;
        Exception Wrong(string why) => new Ch13Exception($"{source}: the optimiser state does not fit this optimiser ({why}).\n" +
                                                         "Fix: resume with the same model and optimiser that saved it.");
        if (saved["param_groups"] is not IList { Count: 1 } groups || groups[0] is not IDictionary savedGroup) throw Wrong("not one parameter group");
        if (savedGroup["params"] is not IList ids || ids.Count != states.Count) throw Wrong($"{(savedGroup["params"] as IList)?.Count} parameters saved, {states.Count} here");
        var perParameter = saved["state"] as IDictionary ?? throw Wrong("no per-parameter state");
        var isAdam = group.Options is TorchSharp.Modules.Adam.Options;
        if (isAdam != savedGroup.Contains("betas")) throw Wrong(isAdam ? "it is not Adam's" : "it is Adam's");

        if (optimizer is FlatSgd flatSgd && perParameter.Count > 0) flatSgd.EnsureMomentumBuffer();
        var pairs = new List<(Tensor Target, Tensor Source)>();
        var steps = new long[states.Count];
        for (var i = 0; i < states.Count; i++)
        {
            if (perParameter[i] is not IDictionary entry) continue;
            foreach (var name in isAdam ? new[] { "exp_avg", "exp_avg_sq" } : ["momentum_buffer"])
            {
                var value = entry[name] as Tensor ?? throw Wrong($"parameter {i} has no {name}");
                var target = states[i] switch
                {
                    TorchSharp.Modules.Adam.State a => name == "exp_avg" ? a.exp_avg : a.exp_avg_sq,
                    TorchSharp.Modules.SGD.State s => s.momentum_buffer,
                    _ => null,
                };
                // TorchSharp's SGD makes its momentum buffer at the first step: before that, this is it.
                if (target is null && states[i] is TorchSharp.Modules.SGD.State fresh && ((TorchSharp.Modules.SGD.Options)group.Options).momentum is > 0)
                    target = fresh.momentum_buffer = zeros_like(value).DetachFromDisposeScope();
                if (target is null) throw Wrong($"it has a {name} for parameter {i}, which this optimiser does not keep");
                if (!target.shape.SequenceEqual(value.shape))
                    throw Wrong($"parameter {i}'s {name} is {Checkpoints.Shape(value.shape)} in the file, {Checkpoints.Shape(target.shape)} here");
                pairs.Add((target, value));
            }
            if (isAdam) steps[i] = entry["step"] switch { Tensor t => (long)t.item<float>(), IConvertible n => n.ToInt64(null), _ => 0 };
        }
        using (no_grad())
            foreach (var (target, source2) in pairs) target.copy_(source2);
        for (var i = 0; i < states.Count; i++)
            if (states[i] is TorchSharp.Modules.Adam.State a) a.step = steps[i];
        group.LearningRate = Convert.ToDouble(savedGroup["lr"], System.Globalization.CultureInfo.InvariantCulture);
    }

    static Tensor Owned(Tensor t) => t.detach().clone();

    static (OptimizerHelper Helper, ParamGroup Group) SingleGroup(optim.Optimizer optimizer)
    {
        if (optimizer is not OptimizerHelper helper || optimizer.ParamGroups.Count() != 1 || optimizer.ParamGroups.First() is not ParamGroup group
            || group.Options is not (TorchSharp.Modules.Adam.Options or TorchSharp.Modules.SGD.Options))
            throw new Ch13Exception($"checkpointing an optimiser's state supports Adam and SGD with one parameter group, not {optimizer.GetType().Name}.");
        return (helper, group);
    }
}
