#load "tools.csx"
// ./run-all: runs every section script in scripts/ (each in its own process) into one run folder, with a live
// summary, then writes summary.json, summary.md and report.html there. The logic is in tools/lib/Batch*.cs.
// Usage: ./run-all [--quick] [--out DIR] [--tag NAME] [--only a,b] [--seeds a,b|N] [--runner csx|dotnet-script] [-- args for every script]

UserErrors.ReportOnEscape(); // a Ch13Exception outside RunTool (no repository found…) is one line too
return BatchRuns.RunTool(Args, Runs.RepoRoot(ScriptPath()));

static string ScriptPath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
