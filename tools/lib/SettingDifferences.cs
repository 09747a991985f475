#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

/// <summary>What two or more runs differ in besides their results: arguments, seed, quick or full, runner, versions, and each script's config.</summary>
public static class SettingDifferences
{
    /// <summary>
    /// The settings the runs differ in, from their run records: arguments, seed, epochs, quick or full, runner and
    /// versions (one row for the run when every script agrees within it, else one per script), and each script's
    /// config settings (top-level entries, as written) that differ.
    /// </summary>
    public static IReadOnlyList<SettingDifference> Of(IReadOnlyList<IReadOnlyList<ScriptFolder>> sides)
    {
        var rows = new List<SettingDifference>();
        // Per side, per script, its runs' records (a seed sweep has one per seed): a setting reads as its distinct values.
        var records = sides.Select(side => side.Where(f => f.Record is not null).GroupBy(f => f.Script)
            .ToDictionary(g => g.Key, g => g.OrderBy(f => f.Seed ?? int.MinValue).Select(f => f.Record!).ToList())).ToList();
        static string Joined(IEnumerable<RunRecord> runs, Func<RunRecord, string> read) => string.Join(", ", runs.Select(read).Distinct());
        foreach (var (setting, read) in RunSettings)
        {
            var values = records.Select(run => run.Values.Select(r => Joined(r, read)).Distinct().ToList()).ToList();
            if (values.All(v => v.Count <= 1))
            {
                var single = values.Select(v => v.Count == 0 ? "—" : v[0]).ToList();
                if (single.Distinct().Count() > 1) rows.Add(new SettingDifference(setting, single));
                continue;
            }
            foreach (var script in records.SelectMany(r => r.Keys).Distinct())
            {
                var perScript = records.Select(r => r.TryGetValue(script, out var runs) ? Joined(runs, read) : "—").ToList();
                if (perScript.Distinct().Count() > 1) rows.Add(new SettingDifference($"{script} · {setting}", perScript));
            }
        }
        var configRows = new List<(string Script, string Key, IReadOnlyList<string> Values)>();
        foreach (var script in records.SelectMany(r => r.Keys).Distinct())
        {
            // A setting that names the run's own folder (Lightning's log_dir) differs in every comparison: it is compared
            // as "<run folder>/…", so only a real difference shows. A sweep's config is its first seed's.
            var configs = sides.Select(side => side.Where(f => f.Script == script && f.Record is not null).OrderBy(f => f.Seed ?? int.MinValue).FirstOrDefault() is { } folder
                ? ConfigSettings(folder.Record!.Config).ToDictionary(kv => kv.Key, kv => OwnFolder(kv.Value, folder.Dir))
                : []).ToList();
            foreach (var key in configs.SelectMany(c => c.Keys).Distinct())
            {
                var values = configs.Select(c => c.TryGetValue(key, out var v) ? v : (Shown: "—", Full: "")).ToList();
                if (values.Select(v => v.Full).Distinct().Count() > 1) configRows.Add((script, key, values.Select(v => v.Shown).ToList()));
            }
        }
        // The same change in several scripts (--lr 0.02 for all) is one row naming them, not one row each.
        foreach (var same in configRows.GroupBy(r => (r.Key, Values: string.Join("\u0000", r.Values))))
        {
            var scripts = same.Select(r => r.Script).ToList();
            rows.Add(new SettingDifference(scripts.Count == 1 ? $"{scripts[0]} · {same.Key.Key}" : $"{same.Key.Key} ({string.Join(", ", scripts)})", same.First().Values));
        }
        return rows;
    }

    static (string Shown, string Full) OwnFolder((string Shown, string Full) value, string dir)
    {
        var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        return value.Full == full || value.Full.StartsWith(full + Path.DirectorySeparatorChar)
            ? ("<run folder>" + value.Full[full.Length..], "<run folder>" + value.Full[full.Length..])
            : value;
    }

    static readonly (string Setting, Func<RunRecord, string> Read)[] RunSettings =
    [
        ("arguments", r => Settings(r.Arguments) is { Length: > 0 } args ? args : "(none)"),
        ("settings", r => r.Quick ? "quick" : "full"),
        ("seed", r => r.Seed.ToString(CultureInfo.InvariantCulture)),
        ("epochs", r => r.Epochs.ToString(CultureInfo.InvariantCulture)),
        ("runner", r => r.Environment.Host),
        ("TorchSharp", r => r.Environment.Torchsharp ?? "—"),
        ("libtorch", r => r.Environment.Libtorch),
        ("torch threads", r => r.Environment.TorchThreads.ToString(CultureInfo.InvariantCulture)),
        ("malloc", r => r.Environment.Allocator ?? "—"),
        (".NET", r => r.Environment.Dotnet),
        ("OS", r => $"{r.Environment.Os} {r.Environment.Architecture}"),
    ];

    /// <summary>
    /// A run's arguments as settings: without <c>--out DIR</c> (where a run writes is not how it ran; ./run-all gives
    /// each its own) and without <c>--seed N</c> (the seed has its own row, and a sweep's seeds would make every
    /// run's arguments differ).
    /// </summary>
    public static string Settings(IReadOnlyList<string> arguments)
    {
        var kept = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "--out" or "--seed") { i++; continue; }
            if (arguments[i].StartsWith("--out=", StringComparison.Ordinal) || arguments[i].StartsWith("--seed=", StringComparison.Ordinal)) continue;
            kept.Add(arguments[i]);
        }
        return string.Join(' ', kept);
    }

    // A script's config as settings: each entry by its dotted name (optimizer.learning_rate), texts as they are and
    // lists as compact JSON, shown shortened (a multi-line text by its first line), compared in full. The config is
    // free-form by design (RunRecord.Config), so this is the one place that reads it entry by entry.
    static Dictionary<string, (string Shown, string Full)> ConfigSettings(JsonElement config)
    {
        var settings = new Dictionary<string, (string, string)>();
        void Add(string name, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in value.EnumerateObject()) Add(name.Length == 0 ? entry.Name : $"{name}.{entry.Name}", entry.Value);
                return;
            }
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : Regex.Replace(value.GetRawText(), @"\s+", " ");
            var lines = text.Split('\n');
            var shown = lines.Length > 1 ? $"{lines[0]} … ({lines.Length} lines)" : text;
            settings[name] = (shown.Length > 80 ? shown[..77] + "…" : shown, text);
        }
        if (config.ValueKind == JsonValueKind.Object) Add("", config);
        return settings;
    }
}
