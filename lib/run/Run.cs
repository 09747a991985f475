#nullable enable
using System.Threading;

// One script run as Runs.Start makes it: who, where, its seed, options and settings (no process-level effects here).

/// <summary>One script run: who, where its files go, its seed and options, and when it started.</summary>
public sealed record Run(
    string Script,
    string RepoRoot,
    string OutDir,
    int Seed,
    int Epochs,
    bool Quiet,
    bool Quick,
    ParsedArgs Options,
    IReadOnlyList<string> CommandLine,
    DateTimeOffset StartedAt,
    long StartTimestamp,
    CancellationToken Cancel)
{
    /// <summary>What the script demonstrates, in a sentence (the manifest's; its --help line, recorded in metrics.json).</summary>
    public string Description { get; init; } = "";

    /// <summary>The value of an option the script declared (passed to <see cref="Runs.Start"/> in <c>options:</c>).</summary>
    public T Get<T>(OptionSpec<T> option) => Options.Get(option);

    /// <summary>
    /// The run folder the results end up in (what every printed line names); <see cref="OutDir"/> is where the script
    /// writes them meanwhile (its staging folder beside it, swapped in by <see cref="Runs.Finish"/>: <see cref="RunSets"/>).
    /// </summary>
    public string ResultDir
    {
        get => resultDir ?? OutDir;
        init => resultDir = value;
    }

    string? resultDir;

    /// <summary>
    /// The training loop's settings, from the spec given to <see cref="Runs.Start(string, IList{string}, TrainConfig, OptimizerSpec, IReadOnlyList{OptionSpec}?, int, string)"/>
    /// with <c>--epochs</c> and <c>--batch-size</c> applied (the epochs alone, and TrainConfig's defaults, otherwise).
    /// </summary>
    public TrainConfig Training
    {
        get => training ?? new TrainConfig(Epochs: Epochs);
        init => training = value;
    }

    TrainConfig? training;

    /// <summary>The optimiser given to <c>Runs.Start</c>, with <c>--lr</c> applied.</summary>
    public OptimizerSpec Optimizer
    {
        get => optimizer ?? throw new InvalidOperationException($"{Script}: Runs.Start was given no optimiser spec");
        init => optimizer = value;
    }

    OptimizerSpec? optimizer;

    /// <summary>What <c>--weights</c>/<c>--eval-only</c> asked for (nothing, for a script that does not take them).</summary>
    public WeightsChoice Weights { get; init; } = WeightsChoice.None;

    /// <summary>How many previous runs of <see cref="ResultDir"/> its store keeps after the swap.</summary>
    public int Keep { get; init; } = RunSets.DefaultKeep;

    public string OutPath(string fileName) => Path.Combine(OutDir, fileName);

    /// <summary>
    /// The folder <paramref name="name"/> in the run folder's current set and in each set its store keeps
    /// (<see cref="RunSets"/>), whether or not it exists: where earlier runs of this folder left theirs.
    /// </summary>
    public IReadOnlyList<string> EarlierFolders(string name) =>
        [Path.Combine(ResultDir, name), .. (Directory.Exists(RunSets.StorePath(ResultDir)) ? Directory.GetDirectories(RunSets.StorePath(ResultDir)) : [])
            .Order(StringComparer.Ordinal).Select(set => Path.Combine(set, name))];
    public double WallSeconds => Stopwatch.GetElapsedTime(StartTimestamp).TotalSeconds;
}
