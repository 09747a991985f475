#load "tools.csx"
// Writes tools/help/TOOL.txt, the --help of run-all, compare and runs, from their option handles
// (tools/lib/ToolHelpFiles.cs): the runner prints these files for a tool's --help without compiling the tool. Run it
// after changing a tool's options or usage (tests/Ch13.Runner.Tests/ToolHelpTests fails while a file is stale).
// Usage: ./csx tools/write-help.csx

var root = Runs.RepoRoot(ScriptPath());
foreach (var path in ToolHelpFiles.Write(root)) Console.WriteLine($"Wrote {Path.GetRelativePath(root, path)}");

static string ScriptPath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
