// The hub the tools (run-all.csx, compare.csx, runs.csx) #load: the scripts' lib, then the tools' own modules.
// Tools/Ch13.Tools.csproj compiles exactly these files.
#load "../lib/ch13.csx"

#load "lib/RunFolders.cs"
#load "lib/References.cs"
#load "lib/Images.cs"
#load "lib/Html.cs"
#load "lib/Reports.cs"
#load "lib/RunSources.cs"
#load "lib/Compare.cs"
#load "lib/BatchRuns.cs"
#load "lib/RunHistory.cs"
#load "lib/SlurmJobScript.cs"
#load "lib/SlurmStates.cs"
#load "lib/SlurmCommands.cs"
#load "lib/SlurmExecutor.cs"
