// The hub every section script #loads: the pinned packages, then the lib by layer (what scripts use, nothing else;
// run-all and compare load tools/tools.csx on top of this). Lib/Ch13.Lib.csproj compiles exactly these files.
// Versions are exact (dotnet-script caches need that; the bundled runner provides exactly these).
#r "nuget: TorchSharp-cpu, 0.107.0"
#r "nuget: TorchSharp.PyBridge, 1.4.4"
#r "nuget: ScottPlot, 5.1.59"
#r "nuget: Deedle, 8.1.0"

// ground: what every floor needs (errors, atomic files and the folder lock, run statuses, numbers as text, the
// progress display, the chapter manifest)
#load "ground/Errors.cs"
#load "ground/FileErrors.cs"
#load "ground/WriteFaults.cs"
#load "ground/Files.cs"
#load "ground/FolderLocks.cs"
#load "ground/RunStatus.cs"
#load "ground/Better.cs"
#load "ground/Numbers.cs"
#load "ground/ProgressMode.cs"
#load "ground/ProgressBars.cs"
#load "ground/ConsoleCapture.cs"
#load "ground/ProgressDisplay.cs"
#load "ground/Chapter.cs"

// core: specs, the chapter's models, the training loop and what it needs
#load "core/Specs.cs"
#load "core/Tensors.cs"
#load "core/PyText.cs"
#load "core/TorchRandom.cs"
#load "core/Loader.cs"
#load "core/Nets.cs"
#load "core/Modules.cs"
#load "core/NoisyLayers.cs"
#load "core/TensorText.cs"
#load "core/FlatOptimizers.cs"
#load "core/EpochCallbacks.cs"
#load "core/EpochProgressBar.cs"
#load "core/Training.cs"
#load "core/Schedules.cs"
#load "core/Checkpoints.cs"
#load "core/OptimizerStates.cs"
#load "core/ScheduleCallbacks.cs"
#load "core/Metrics.cs"
#load "core/Autograd.cs"
#load "core/Penalties.cs"
#load "core/Init.cs"

// data: NumPy-compatible randomness, the chapter's data sets and their files
#load "data/NumpyRandom.cs"
#load "data/Data.cs"
#load "data/DataFiles.cs"
#load "data/Idx.cs"
#load "data/Mnist.cs"
#load "data/Features.cs"
#load "data/AutoMpg.cs"
#load "data/Regression.cs"
#load "data/Tables.cs"

// plots: PNG figures
#load "plots/Plots.cs"
#load "plots/LinePlots.cs"
#load "plots/Figures.cs"
#load "plots/RegressionPlots.cs"
#load "plots/ClassifierPlots.cs"

// lightning: a Lightning-style trainer, its callbacks and data modules
#load "lightning/DataModules.cs"
#load "lightning/Trainer.cs"
#load "lightning/Callbacks.cs"
#load "lightning/LightningCheckpoints.cs"

// run: a script's lifecycle, options, console, files and errors (the only layer with process-level effects)
#load "run/UserErrors.cs"
#load "run/RunSets.cs"
#load "run/RunRecord.cs"
#load "run/Options.cs"
#load "run/Signals.cs"
#load "run/NativeRuntime.cs"
#load "run/Runs.cs"
#load "run/Progress.cs"
#load "run/NotebookLog.cs"
#load "run/ModelWeights.cs"
