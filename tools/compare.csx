#load "tools.csx"
// Compares two runs (./run-all folders) or two script folders: histories overlaid, plots side by side with a
// difference score, metrics with deltas and the notebook's values. The logic is in tools/lib/Compare*.cs.
// Usage: ./csx tools/compare.csx -- A B [--out DIR]

UserErrors.ReportOnEscape(); // a Ch13Exception outside RunTool (no repository found…) is one line too
return Compare.RunTool(Args, Runs.RepoRoot(ScriptPath()));

static string ScriptPath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
