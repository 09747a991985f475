#nullable enable
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>What the trainer prints, as Lightning prints it: the epoch line, the fit's end, the model summary and the test table.</summary>
public static class TrainerText
{
    /// <summary>
    /// An epoch's line, in two to fit <see cref="ConsoleLines.Width"/> columns: <c>Epoch 3/10: 860 batches, 2.1 s,
    /// 410 it/s, lr-Adam=0.001</c>, then the other metrics indented, <c>  train_acc=0.912 train_loss=0.301 valid_acc=…</c>.
    /// An epoch cut short says so: <c>Epoch 3/10 (partial: 844/860 batches): 2.1 s, 402 it/s, …</c>.
    /// </summary>
    public static string ProgressLine(int epoch, int maxEpochs, int batches, double seconds, IReadOnlyDictionary<string, double> metrics, EpochCut? cut = null)
    {
        var ordered = metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, Text: $"{kv.Key}={Numbers.Short(kv.Value)}")).ToList();
        var rates = ordered.Where(m => m.Key.StartsWith("lr-", StringComparison.Ordinal)).Select(m => ", " + m.Text);
        var head = $"Epoch {epoch}/{maxEpochs - 1}{(cut is null ? $": {batches} batches, " : $" {cut.Mark}: ")}{seconds:F1} s, " +
                   $"{(seconds > 0 ? batches / seconds : 0):F0} it/s{string.Concat(rates)}";
        var rest = string.Join(" ", ordered.Where(m => !m.Key.StartsWith("lr-", StringComparison.Ordinal)).Select(m => m.Text));
        return ConsoleLines.Wrap(head) + (rest.Length == 0 ? "" : "\n" + ConsoleLines.Wrap("  " + rest));
    }

    /// <summary>Lightning's line when a fit ran all its epochs: <c>`Trainer.fit` stopped: `max_epochs=10` reached.</c></summary>
    public static string FitStopped(int maxEpochs) => $"`Trainer.fit` stopped: `max_epochs={maxEpochs}` reached.";

    /// <summary>
    /// Lightning's ModelSummary table for <paramref name="model"/> (the model, then its children): <c> | Name | Type | Params | Mode</c>,
    /// then the trainable, non-trainable and total parameter counts, the estimated size in MB (float32: 4 bytes a
    /// parameter) and how many modules are in train and eval mode.
    /// </summary>
    public static string ModelSummaryTable(nn.Module model)
    {
        // Named as Lightning names a LightningModule's self.model and its layers: model, model.0, model.1, …
        var named = model.named_children().Select(child => ($"model.{child.name}", child.module)).Prepend(("model", model));
        var rows = named.Select((row, i) => new[]
        {
            i.ToString(CultureInfo.InvariantCulture), row.Item1, row.Item2.GetType().Name,
            HumanCount(row.Item2.parameters().Sum(p => p.numel())), row.Item2.training ? "train" : "eval",
        }).ToList();
        string[] header = [" ", "Name", "Type", "Params", "Mode"];
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Row(string[] cells) => string.Join(" | ", cells.Select((cell, c) => cell.PadRight(widths[c])));
        var headerLine = Row(header);
        var rule = new string('-', headerLine.Length);
        var text = new StringBuilder().AppendLine(headerLine).AppendLine(rule);
        foreach (var row in rows) text.AppendLine(Row(row));
        var trainable = Nets.CountParameters(model, trainableOnly: true);
        var total = Nets.CountParameters(model);
        var modules = model.modules().Prepend(model).ToList();
        text.AppendLine(rule)
            .AppendLine($"{HumanCount(trainable),-10} Trainable params")
            .AppendLine($"{HumanCount(total - trainable),-10} Non-trainable params")
            .AppendLine($"{HumanCount(total),-10} Total params")
            .AppendLine($"{(total * 4 / 1e6).ToString("N3", CultureInfo.InvariantCulture),-10} Total estimated model params size (MB)")
            .AppendLine($"{modules.Count(m => m.training),-10} Modules in train mode")
            .Append($"{modules.Count(m => !m.training),-10} Modules in eval mode");
        return text.ToString();
    }

    /// <summary>Lightning's <c>get_human_readable_count</c>: <c>330</c>, <c>25.8 K</c>, <c>100 K</c>, <c>1.2 M</c>.</summary>
    public static string HumanCount(long number)
    {
        string[] labels = ["", "K", "M", "B", "T"];
        var digits = number > 0 ? (int)Math.Floor(Math.Log10(number)) + 1 : 1;
        var groups = Math.Min((int)Math.Ceiling(digits / 3.0), labels.Length);
        var scaled = number * Math.Pow(10, -3 * (groups - 1));
        var index = groups - 1;
        return index < 1 || scaled >= 100
            ? $"{((long)scaled).ToString("N0", CultureInfo.InvariantCulture)} {labels[index]}".TrimEnd()
            : $"{scaled.ToString("N1", CultureInfo.InvariantCulture)} {labels[index]}";
    }

    /// <summary>The box Lightning prints after <c>trainer.test</c>: one row per test metric.</summary>
    public static string TestTable(IReadOnlyDictionary<string, double> metrics, int batches)
    {
        var rule = new string('─', 60);
        var text = new StringBuilder().AppendLine(rule).AppendLine($"{"Test metric",-25}{"DataLoader 0",-35}").AppendLine(rule);
        foreach (var (name, value) in metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.AppendLine($"{name,-25}{Numbers.Fixed(value),-35}");
        return text.Append(rule).Append($"\n({batches} test batches)").ToString();
    }
}
