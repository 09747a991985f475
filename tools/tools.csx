// The hub the tools (run-all.csx, compare.csx, runs.csx, write-schema.csx, write-help.csx) #load: the tools' one package, the scripts'
// lib, then the tools' own modules in dependency order. Tools/Ch13.Tools.csproj compiles exactly these files.
#r "nuget: Spectre.Console, 0.57.2"
// compare's verdicts: the Student t distribution for Welch's test (SeedStatistics.cs).
#r "nuget: MathNet.Numerics, 5.0.0"
#load "../lib/ch13.csx"

// one table model, rendered as text, a terminal table, Markdown and HTML
#load "lib/TextTables.cs"

// reading runs: run records, script folders, the notebook's numbers, images, the chapter's manifest
#load "lib/RunRecordFiles.cs"
#load "lib/RunRecordSchema.cs"
#load "lib/RunFolders.cs"
#load "lib/SeedFolders.cs"
#load "lib/SeedSample.cs"
#load "lib/References.cs"
#load "lib/Images.cs"
#load "lib/Html.cs"
#load "lib/ChapterOrder.cs"

// a batch's results and what is written from them: summary.json/md, report.html
#load "lib/ScriptExecutors.cs"
#load "lib/BatchResults.cs"
#load "lib/BatchHeadline.cs"
#load "lib/BatchGroups.cs"
#load "lib/Fidelity.cs"
#load "lib/LearningRateCharts.cs"
#load "lib/Epochs.cs"
#load "lib/ReportSections.cs"
#load "lib/SweepSections.cs"
#load "lib/Reports.cs"
#load "lib/BatchSummaries.cs"

// run-all: options, commands, the local and Slurm executors, the console, the batch
#load "lib/BatchOptions.cs"
#load "lib/BatchFolders.cs"
#load "lib/ScriptCommands.cs"
#load "lib/LocalExecutor.cs"
#load "lib/SlurmJobScript.cs"
#load "lib/SlurmStates.cs"
#load "lib/SlurmCommands.cs"
#load "lib/SlurmStateFiles.cs"
#load "lib/SlurmJobs.cs"
#load "lib/SlurmExecutor.cs"
#load "lib/BatchConsole.cs"
#load "lib/SlurmBatches.cs"
#load "lib/BatchRuns.cs"

// compare: what it compares, the numbers, the settings, the charts, then compare.md and compare.html; and runs
#load "lib/RunSources.cs"
#load "lib/SeedStatistics.cs"
#load "lib/CompareModel.cs"
#load "lib/MetricDeltas.cs"
#load "lib/SettingDifferences.cs"
#load "lib/CompareCharts.cs"
#load "lib/CompareTables.cs"
#load "lib/CompareMarkdown.cs"
#load "lib/CompareHtml.cs"
#load "lib/Compare.cs"
#load "lib/RunHistory.cs"

// the tools' --help as files the runner prints without compiling them
#load "lib/ToolHelpFiles.cs"
