#nullable enable
using System.Globalization;
using TorchSharp;

/// <summary>
/// Lightning's <c>CSVLogger(save_dir, name="lightning_logs", version)</c>: its <see cref="VersionDir"/> is
/// <c>save_dir/lightning_logs/version_N/</c> (N = <paramref name="version"/>, or the next free number there when null).
/// At fit or test start it writes hparams.yaml (the task's <see cref="LitTask.Hparams"/>, <see cref="HparamsYaml"/>);
/// after every epoch's log it rewrites metrics.csv (<see cref="WriteCsv"/>), the training epochs so far plus,
/// after a test pass, its row.
/// </summary>
public sealed class CsvLogger(string saveDir, int? version = null) : Callback
{
    public string SaveDir { get; } = saveDir;
    /// <summary>N of <c>version_N</c>.</summary>
    public int Version { get; } = version ?? LightningLogs.NextVersion(Path.Combine(saveDir, "lightning_logs"));
    /// <summary>Where metrics.csv and hparams.yaml go: <c>save_dir/lightning_logs/version_N</c>.</summary>
    public string VersionDir => Path.Combine(SaveDir, "lightning_logs", $"version_{Version}");

    public override void OnFitStart(Trainer trainer) => WriteHparams(trainer);

    public override void OnTestStart(Trainer trainer) => WriteHparams(trainer);

    void WriteHparams(Trainer trainer)
    {
        Directory.CreateDirectory(VersionDir);
        Files.WriteAllTextAtomic(Path.Combine(VersionDir, "hparams.yaml"), HparamsYaml(trainer.Task?.Hparams));
    }

    public override void OnEpochLogged(Trainer trainer, EpochLog log, bool training)
    {
        Directory.CreateDirectory(VersionDir);
        WriteCsv(Path.Combine(VersionDir, "metrics.csv"), training ? trainer.Epochs : [.. trainer.Epochs, log]);
    }

    /// <summary>
    /// Writes the epoch logs as Lightning's CSVLogger lays out metrics.csv: <c>epoch,step</c> then every metric name in
    /// sorted order, blank where an epoch did not log it. Written atomically, so it is whole after every epoch.
    /// </summary>
    public static void WriteCsv(string path, IReadOnlyList<EpochLog> rows)
    {
        var names = rows.SelectMany(r => r.Metrics.Keys).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var text = new StringBuilder(string.Join(",", new[] { "epoch", "step" }.Concat(names))).Append('\n');
        foreach (var row in rows)
        {
            var cells = names.Select(n => row.Metrics.TryGetValue(n, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
            text.Append(string.Join(",", new[] { row.Epoch.ToString(CultureInfo.InvariantCulture), row.Step.ToString(CultureInfo.InvariantCulture) }.Concat(cells))).Append('\n');
        }
        Files.WriteAllTextAtomic(path, text.ToString());
    }

    /// <summary>
    /// hparams.yaml as Lightning's <c>save_hparams_to_yaml</c> (PyYAML's default dump) writes it: keys sorted, one
    /// <c>key: value</c> line each, a list as <c>- item</c> lines under its key, and <c>{}</c> when there are none.
    /// </summary>
    public static string HparamsYaml(IReadOnlyDictionary<string, object>? hparams)
    {
        if (hparams is null || hparams.Count == 0) return "{}\n";
        static string Scalar(object? value) => value switch
        {
            null => "null",
            bool b => b ? "true" : "false",
            string text => text.Length == 0 || text.Any(c => ":#{}[],&*?|<>=!%@`'\"\n".Contains(c)) || text.Trim() != text
                ? "'" + text.Replace("'", "''") + "'" : text,
            double d => d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
            float f => f.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "null",
        };
        var text = new StringBuilder();
        foreach (var (name, value) in hparams.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value is System.Collections.IEnumerable items and not string)
            {
                var list = items.Cast<object?>().ToList();
                if (list.Count == 0) { text.Append(name).Append(": []\n"); continue; }
                text.Append(name).Append(":\n");
                foreach (var item in list) text.Append("- ").Append(Scalar(item)).Append('\n');
            }
            else text.Append(name).Append(": ").Append(Scalar(value)).Append('\n');
        }
        return text.ToString();
    }
}
