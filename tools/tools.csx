// The hub the tools (run-all.csx, compare.csx, runs.csx) #load: the scripts' lib, then the tools' own modules in
// dependency order. Tools/Ch13.Tools.csproj compiles exactly these files.
#load "../lib/ch13.csx"

// reading runs: script folders, the notebook's numbers, images, the chapter's manifest
#load "lib/RunFolders.cs"
#load "lib/References.cs"
#load "lib/Images.cs"
#load "lib/Html.cs"
#load "lib/ChapterOrder.cs"

// a batch's results and what is written from them: summary.json/md, report.html
#load "lib/ScriptExecutors.cs"
#load "lib/BatchResults.cs"
#load "lib/BatchHeadline.cs"
#load "lib/Fidelity.cs"
#load "lib/LearningRateCharts.cs"
#load "lib/ReportSections.cs"
#load "lib/Reports.cs"
#load "lib/BatchSummaries.cs"

// run-all: options, commands, the local and Slurm executors, the console, the batch
#load "lib/BatchOptions.cs"
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

// compare and runs
#load "lib/RunSources.cs"
#load "lib/Compare.cs"
#load "lib/RunHistory.cs"
