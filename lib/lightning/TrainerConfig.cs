#nullable enable

/// <summary>
/// <c>pl.Trainer(max_epochs, limit_train_batches, limit_val_batches, limit_test_batches, accelerator)</c>; a limit of 0
/// means all batches. <c>LogDir</c> is the CSVLogger's <c>save_dir</c>: a <see cref="CsvLogger"/> writes metrics.csv and
/// hparams.yaml into <c>LogDir/lightning_logs/version_N/</c> (none when null), N being <c>LogVersion</c> or, when that is
/// null, the next free number there (Lightning's). <c>ProgressBar</c> adds a <see cref="TrainerProgressBar"/>
/// (Lightning's <c>enable_progress_bar</c>).
/// </summary>
public sealed record TrainerConfig(
    int MaxEpochs = 10,
    int LimitTrainBatches = 0,
    int LimitValBatches = 0,
    int LimitTestBatches = 0,
    string Device = "cpu",
    string? LogDir = null,
    bool ProgressBar = true,
    int? LogVersion = null);
