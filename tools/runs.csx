#load "tools.csx"
// Lists a script folder's latest run and the previous runs kept beside it (.SCRIPT.runs/), newest first: time,
// status, arguments, key metric; each folder as a path from the current directory that compare.csx takes as printed.
// All the logic is in tools/lib/RunHistory.cs.
// Usage: ./csx tools/runs.csx -- SCRIPT|FOLDER   (e.g. xor, or out/runs/a/xor)

UserErrors.ReportOnEscape(); // a Ch13Exception outside RunTool (no repository found…) is one line too
return RunHistory.RunTool(Args, Runs.RepoRoot(ScriptPath()));

static string ScriptPath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
