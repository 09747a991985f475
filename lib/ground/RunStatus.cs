#nullable enable
using System.Text.Json.Serialization;

// The record's two words of judgement: how a run ended (RunStatus) and which way a value improves (Better).

/// <summary>How a run, or one series in it, ended. Written as <c>completed</c>, <c>early_stopped</c>, <c>diverged</c>, <c>interrupted</c>, <c>evaluated</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("early_stopped")] EarlyStopped,
    [JsonStringEnumMemberName("diverged")] Diverged,
    [JsonStringEnumMemberName("interrupted")] Interrupted,
    /// <summary>Not trained: the model was loaded (<c>--weights FILE --eval-only</c>) and only evaluated.</summary>
    [JsonStringEnumMemberName("evaluated")] Evaluated,
}

/// <summary>Statuses in order of what matters, and what they mean for the process.</summary>
public static class RunStatuses
{
    /// <summary>The status that matters most when a script trains several models: interrupted, diverged, early_stopped, completed, evaluated (none: completed).</summary>
    public static RunStatus Worst(IEnumerable<RunStatus> statuses) =>
        statuses.OrderBy(Severity).FirstOrDefault(RunStatus.Completed);

    /// <summary>The status as metrics.json and the console write it: <c>completed</c>, <c>early_stopped</c>, <c>diverged</c>, <c>interrupted</c>, <c>evaluated</c>.</summary>
    public static string Text(RunStatus status) => status switch
    {
        RunStatus.EarlyStopped => "early_stopped",
        RunStatus.Diverged => "diverged",
        RunStatus.Interrupted => "interrupted",
        RunStatus.Evaluated => "evaluated",
        _ => "completed",
    };

    /// <summary>The exit code a script returns for a run that ended so: 0 completed or early-stopped, 3 diverged, 130 interrupted.</summary>
    public static int ExitCode(RunStatus status) => status switch
    {
        RunStatus.Diverged => 3,
        RunStatus.Interrupted => 130,
        _ => 0,
    };

    static int Severity(RunStatus status) => status switch
    {
        RunStatus.Interrupted => 0,
        RunStatus.Diverged => 1,
        RunStatus.EarlyStopped => 2,
        RunStatus.Evaluated => 4,
        _ => 3,
    };
}

/// <summary>Which way a value improves, for comparisons and colours. Written as <c>higher</c> or <c>lower</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Better>))]
public enum Better
{
    [JsonStringEnumMemberName("higher")] Higher,
    [JsonStringEnumMemberName("lower")] Lower,
}
