#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Flat parameters: every parameter and its gradient become views of one buffer each, so zero_grad, SGD and Adam
// are a handful of tensor ops per step instead of a handful per parameter tensor (TorchSharp has no foreach/fused
// optimisers). The ops are the reference optimisers' own, in their order, so the numbers are the same.

/// <summary>
/// A model's parameters packed into one flat buffer (<see cref="Values"/>) and their gradients into another
/// (<see cref="Grads"/>). Each parameter keeps its identity (the module still holds it); only its storage moves:
/// it becomes a view of <see cref="Values"/>, and its <c>.grad</c> a view of <see cref="Grads"/>, so backward
/// accumulates straight into the flat gradient. Each slice starts on a 64-byte boundary, as libtorch aligns
/// separate tensors (BLAS kernels may round differently on other alignments); the padding stays zero.
/// </summary>
/// <remarks>
/// The link holds as long as nothing replaces a parameter's storage or gradient: <c>module.to(device/dtype)</c>,
/// <c>module.zero_grad()</c> (TorchSharp's sets grads to none) or a load that swaps tensors rather than copying into
/// them. <see cref="IsIntact"/> checks every parameter; the flat optimisers check one parameter per call, in turn
/// (about 1 µs), and from the first broken link on do what TorchSharp's optimiser does, per parameter.
/// </remarks>
public sealed class FlatParameters : IDisposable
{
    /// <summary>Zeroes the one gradient buffer of <paramref name="flat"/>; false (nothing done) when there is none to use.</summary>
    public static bool ZeroGrads(FlatParameters? flat)
    {
        flat?.Grads.zero_();
        return flat is not null;
    }

    const long Align = 16; // float32 elements per 64 bytes

    public IReadOnlyList<Parameter> Parameters { get; }
    public Tensor Values { get; }
    public Tensor Grads { get; }
    readonly long[] offsets;
    readonly IntPtr valuesStart, gradsStart;

    FlatParameters(IReadOnlyList<Parameter> parameters, Tensor values, Tensor grads, long[] offsets)
    {
        Parameters = parameters;
        Values = values;
        Grads = grads;
        this.offsets = offsets;
        (valuesStart, gradsStart) = (StorageStart(values), StorageStart(grads)); // the buffers are ours: they never move
    }

    /// <summary>
    /// Packs <paramref name="parameters"/> when they can share a buffer (at least one; all float32 or all float64,
    /// one device, distinct, dense); otherwise null (the caller keeps the per-parameter path).
    /// </summary>
    public static FlatParameters? TryPack(IEnumerable<Parameter> parameters)
    {
        var list = parameters.ToList();
        if (list.Count == 0) return null;
        var dtype = list[0].dtype;
        var device = list[0].device;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64)) return null;
        if (list.Any(p => p.dtype != dtype || p.device_type != device.type || p.device_index != device.index || p.is_sparse || !p.requires_grad)) return null;
        if (list.Select(p => p.Handle).Distinct().Count() != list.Count) return null;

        var offsets = new long[list.Count];
        long total = 0;
        for (var i = 0; i < list.Count; i++)
        {
            offsets[i] = total;
            total += (list[i].numel() + Align - 1) / Align * Align;
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope(); // the views and what in-place calls hand back; values and grads leave it
        var values = zeros(total, dtype: dtype, device: device);
        var grads = zeros(total, dtype: dtype, device: device);
        for (var i = 0; i < list.Count; i++)
        {
            var p = list[i];
            var view = values.narrow(0, offsets[i], p.numel()).view(p.shape);
            view.copy_(p);
            p.set_(view);
            var gradView = grads.narrow(0, offsets[i], p.numel()).view(p.shape);
            var old = p.grad;
            if (old is not null) gradView.copy_(old);
            p.grad = gradView;
        }
        values.DetachFromDisposeScope();
        grads.DetachFromDisposeScope();
        return new FlatParameters(list, values, grads, offsets);
    }

    /// <summary>A view of <paramref name="buffer"/> (a tensor shaped like <see cref="Values"/>) shaped like parameter <paramref name="index"/>.</summary>
    public Tensor Slice(Tensor buffer, int index)
    {
        using var slice = buffer.narrow(0, offsets[index], Parameters[index].numel());
        return slice.view(Parameters[index].shape);
    }

    /// <summary>True while every parameter and its gradient still live in the flat buffers.</summary>
    public bool IsIntact() => Enumerable.Range(0, Parameters.Count).All(IsIntact);

    /// <summary>True while parameter <paramref name="index"/> and its gradient still live in the flat buffers.</summary>
    public bool IsIntact(int index)
    {
        var p = Parameters[index];
        if (p.IsInvalid || p.storage_offset() != offsets[index] || StorageStart(p) != valuesStart) return false;
        using var grad = p.grad;
        return grad is not null && grad.storage_offset() == offsets[index] && StorageStart(grad) == gradsStart;
    }

    static IntPtr StorageStart(Tensor t) => t.dtype == ScalarType.Float64 ? t.storage<double>().data_ptr() : t.storage<float>().data_ptr();

    public void Dispose()
    {
        Values.Dispose();
        Grads.Dispose();
    }
}

/// <summary>
/// TorchSharp's SGD (same options, state, param groups and learning-rate control) with the update done on
/// <see cref="FlatParameters"/>: <c>zero_grad</c> is one <c>zero_</c>, a step one <c>add_</c> (two or three with
/// momentum/weight decay). Element for element the same operations as the reference, so the same numbers.
/// </summary>
public sealed class FlatSgd : TorchSharp.Modules.SGD
{
    readonly FlatParameters? flat;
    readonly FlatLink link = new();
    readonly SgdScalars scalars = new();
    Tensor? momentumBuffer;

    public FlatSgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false)
        : this(parameters.ToList(), lr, momentum, dampening, weightDecay, nesterov) { }

    FlatSgd(List<Parameter> parameters, double lr, double momentum, double dampening, double weightDecay, bool nesterov)
        : base(parameters, lr, momentum, dampening, weightDecay, nesterov)
    {
        flat = FlatParameters.TryPack(parameters);
    }

    /// <summary>The packed parameters, or null when they could not be packed (then this is plain SGD).</summary>
    public FlatParameters? Flat => flat;

    public override void zero_grad() { if (!FlatParameters.ZeroGrads(Usable() ? flat : null)) base.zero_grad(); }

    // A closure, or parameters the flat buffers no longer hold, go to TorchSharp's own step.
    public override Tensor step(Func<Tensor>? closure = null) =>
        closure is null && Usable() ? FlatStep((Options)_parameter_groups[0].Options) : base.step(closure!);

    // SGD with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD computes it, on the one buffer.
    Tensor FlatStep(Options options)
    {
        var (momentum, dampening, weightDecay) = (options.momentum!.Value, options.dampening!.Value, options.weight_decay!.Value);
        var lr = options.LearningRate!.Value;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grad = flat!.Grads;
        if (weightDecay != 0) grad = grad.add(flat.Values, alpha: weightDecay);
        if (momentum != 0)
        {
            if (momentumBuffer is null)
            {
                momentumBuffer = grad.clone().detach().DetachFromDisposeScope();
                ShareMomentumState();
            }
            else momentumBuffer.mul_(scalars.Momentum.Of(momentum)).add_(grad, alpha: scalars.OneMinusDampening.Of(1 - dampening));
            grad = options.nesterov!.Value ? grad.add(momentumBuffer, alpha: momentum) : momentumBuffer;
        }
        flat.Values.add_(grad, alpha: scalars.StepSize.Of(options.maximize!.Value ? lr : -lr));
        return null!;
    }

    /// <summary>
    /// Gives a momentum SGD its buffer before its first step (zeros, per-parameter views into it as after a step), so a
    /// checkpoint's momentum can be copied in; the next step then goes on from it as from any later step.
    /// </summary>
    public void EnsureMomentumBuffer()
    {
        if (flat is null || momentumBuffer is not null || ((Options)_parameter_groups[0].Options).momentum is not > 0) return;
        momentumBuffer = zeros_like(flat.Values).DetachFromDisposeScope();
        ShareMomentumState();
    }

    // state_dict() sees per-parameter momentum buffers, as the reference keeps them.
    void ShareMomentumState()
    {
        for (var i = 0; i < flat!.Parameters.Count; i++)
            ((State)_state[flat.Parameters[i].Handle]).momentum_buffer = flat.Slice(momentumBuffer!, i).DetachFromDisposeScope();
    }

    bool Usable() => flat is not null && _parameter_groups.Count == 1 && link.Holds(flat);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        momentumBuffer?.Dispose();
        scalars.Dispose();
        flat?.Dispose();
    }
}

/// <summary>
/// TorchSharp's Adam (same options, per-parameter state, param groups and learning-rate control) with the update
/// done on <see cref="FlatParameters"/>: the reference's eight tensor ops once per step instead of once per parameter
/// tensor, in its order (<c>exp_avg·β1 + (1−β1)·g</c>, <c>exp_avg_sq·β2 + (1−β2)·g²</c>, <c>√exp_avg_sq / √bc2 + ε</c>,
/// <c>p −= lr/bc1 · exp_avg / denom</c>). The state tensors it reports are views of the flat moments.
/// </summary>
/// <remarks>
/// One difference only for parameters that never get a gradient: the reference skips them (their step count stays
/// 0); here their (zero) gradient gives a zero update, and their step count moves with the others.
/// </remarks>
public sealed class FlatAdam : TorchSharp.Modules.Adam
{
    readonly FlatParameters? flat;
    readonly Tensor? expAvg;
    readonly Tensor? expAvgSq;
    readonly Tensor? denom;
    readonly AdamScalars scalars = new();
    readonly AdamFactors? factors;
    readonly FlatLink link = new();

    public FlatAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0)
        : this(parameters.ToList(), lr, beta1, beta2, eps, weightDecay) { }

    FlatAdam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
        flat = FlatParameters.TryPack(parameters);
        if (flat is null) return;
        // Owned here whatever dispose scope the caller is in (as TorchSharp's optimisers own their state).
        expAvg = zeros_like(flat.Values).DetachFromDisposeScope();
        expAvgSq = zeros_like(flat.Values).DetachFromDisposeScope();
        denom = zeros_like(flat.Values).DetachFromDisposeScope();
        factors = new AdamFactors(flat.Values.dtype);
        for (var i = 0; i < parameters.Count; i++)
        {
            var state = (State)_state[parameters[i].Handle];
            state.exp_avg.Dispose();
            state.exp_avg_sq.Dispose();
            state.exp_avg = flat.Slice(expAvg, i).DetachFromDisposeScope();
            state.exp_avg_sq = flat.Slice(expAvgSq, i).DetachFromDisposeScope();
        }
    }

    // A closure, or parameters the flat buffers no longer hold, go to TorchSharp's own step.
    public override Tensor step(Func<Tensor>? closure = null) =>
        closure is null && Usable() ? FlatStep((Options)_parameter_groups[0].Options) : base.step(closure!);

    public override void zero_grad() { if (!FlatParameters.ZeroGrads(Usable() ? flat : null)) base.zero_grad(); }

    /// <summary>The packed parameters, or null when they could not be packed (then this is plain Adam).</summary>
    public FlatParameters? Flat => flat;

    // Adam with bias correction and weight decay, as torch.optim.Adam computes it, on the one buffer.
    Tensor FlatStep(Options options)
    {
        var (beta1, beta2, eps) = (options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        var weightDecay = options.weight_decay!.Value;
        var lr = options.LearningRate!.Value;

        // The count lives in the parameters' states (as the reference keeps it), so restoring them resumes it.
        var steps = ((State)_state[flat!.Parameters[0].Handle]).step + 1;
        foreach (var p in flat.Parameters) ((State)_state[p.Handle]).step = steps;
        var biasCorrection1 = 1 - Math.Pow(beta1, steps);
        var biasCorrection2 = 1 - Math.Pow(beta2, steps);

        using var noGrad = no_grad();
        var plain = !options.maximize!.Value && weightDecay == 0;
        using var scope = plain ? null : NewDisposeScope(); // only the maximize/weight-decay gradient is a new tensor
        var grad = flat.Grads;
        if (options.maximize!.Value) grad = -grad;
        if (weightDecay != 0) grad = grad.add(flat.Values, alpha: weightDecay);
        // The step's constants as cached Scalars (no native Scalar made and finalised per op) and, where an op would wrap
        // its Scalar operand in a tensor, as cached 0-dim tensors (AdamFactors); the same values, the same kernels.
        expAvg!.mul_(factors!.Beta1.Of(beta1)).add_(grad, alpha: scalars.OneMinusBeta1.Of(1 - beta1));
        expAvgSq!.mul_(factors.Beta2.Of(beta2)).addcmul_(grad, grad, value: scalars.OneMinusBeta2.Of(1 - beta2));
        // denom = √exp_avg_sq / √bc2 + ε in its own buffer: the reference's ops in its order, without two new tensors.
        using Scalar stepSize = -(lr / biasCorrection1);
        var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2);
        if (!AdamDenominator.TryCompute(expAvgSq, denom!, sqrtBiasCorrection2, eps))
            denom!.copy_(expAvgSq).sqrt_().div_(factors.SqrtBiasCorrection2.Of(sqrtBiasCorrection2)).add_(factors.Eps.Of(eps));
        flat.Values.addcdiv_(expAvg, denom!, value: stepSize);
        return null!;
    }

    // AMSGrad keeps a running maximum the flat path does not: the reference handles it.
    bool Usable() => flat is not null && _parameter_groups.Count == 1 && !((Options)_parameter_groups[0].Options).amsgrad!.Value
        && link.Holds(flat);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // disposes the state views
        if (!disposing) return;
        expAvg?.Dispose();
        expAvgSq?.Dispose();
        denom?.Dispose();
        scalars.Dispose();
        factors?.Dispose();
        flat?.Dispose();
    }
}

/// <summary>
/// Whether a flat optimiser's parameters still live in its buffers: one parameter checked per call, in turn; once a
/// link is found broken the answer stays false (the optimiser then updates per parameter, like TorchSharp's).
/// </summary>
/// <remarks>
/// Whole-model breaks (<c>module.zero_grad()</c> setting grads to none, <c>module.to(…)</c>) are seen on the next call,
/// before any update. A single parameter's gradient swapped by hand is seen within one call per parameter.
/// </remarks>
sealed class FlatLink
{
    int next;
    bool broken;

    public bool Holds(FlatParameters flat)
    {
        if (broken) return false;
        if (flat.IsIntact(next)) { next = (next + 1) % flat.Parameters.Count; return true; }
        broken = true;
        return false;
    }
}

