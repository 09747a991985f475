#nullable enable
using TorchSharp;

/// <summary>
/// <c>EarlyStopping(monitor, patience, mode, min_delta)</c>: after each validation, asks <see cref="Schedules.StepEarlyStop"/>
/// and sets <see cref="Trainer.ShouldStop"/> when the metric has not improved for <c>patience</c> checks.
/// </summary>
public sealed class EarlyStopping : Callback
{
    readonly EarlyStopSpec spec;

    public EarlyStopping(string monitor = HistoryColumns.ValidLossName, int patience = 3, MonitorMode mode = MonitorMode.Min, double minDelta = 0)
    {
        Monitor = monitor;
        spec = new EarlyStopSpec(patience, mode, minDelta);
        State = Schedules.StartEarlyStop(spec);
    }

    public string Monitor { get; }
    public EarlyStopState State { get; private set; }
    /// <summary>The epoch (from 0) after which training stopped, if it did.</summary>
    public int? StoppedEpoch { get; private set; }

    public override void OnValidationEnd(Trainer trainer)
    {
        if (!trainer.CallbackMetrics.TryGetValue(Monitor, out var current)) return;
        State = Schedules.StepEarlyStop(spec, State, current);
        if (!State.ShouldStop) return;
        trainer.ShouldStop = true;
        StoppedEpoch = trainer.CurrentEpoch;
    }

    public override string StateKey => $"EarlyStopping{{'monitor': '{Monitor}', 'mode': '{(spec.Mode == MonitorMode.Max ? "max" : "min")}'}}";

    /// <summary>Lightning's keys (<c>wait_count</c>, <c>stopped_epoch</c>, <c>best_score</c>, <c>patience</c>) and the rest of <see cref="State"/>.</summary>
    public override IDictionary<object, object?>? StateDict() => new Dictionary<object, object?>
    {
        ["wait_count"] = State.Wait,
        ["stopped_epoch"] = StoppedEpoch ?? 0,
        ["best_score"] = State.Best,
        ["patience"] = spec.Patience,
        ["best_epoch"] = State.BestEpoch,
        ["epoch"] = State.Epoch,
        ["improved"] = State.Improved,
        ["should_stop"] = State.ShouldStop,
    };

    public override void LoadStateDict(System.Collections.IDictionary state, string checkpointPath)
    {
        static int Int(object? v) => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
        State = new EarlyStopState(Convert.ToDouble(state["best_score"], System.Globalization.CultureInfo.InvariantCulture), Int(state["best_epoch"]),
            Int(state["wait_count"]), Int(state["epoch"]), state["improved"] is true, state["should_stop"] is true);
        StoppedEpoch = State.ShouldStop ? Int(state["stopped_epoch"]) : null;
    }
}
