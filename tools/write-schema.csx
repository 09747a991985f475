#load "tools.csx"
// Writes reference/metrics.schema.json from the run record types (lib/run/RunRecord.cs): run it after changing a record
// (tests/Ch13.Tools.Tests/RunRecordFilesTests fails while the committed schema is stale).
// Usage: ./csx tools/write-schema.csx

var root = Runs.RepoRoot(ScriptPath());
RunRecordSchema.Write(root);
Console.WriteLine($"Wrote {RunRecordSchema.PathIn(root)}");

static string ScriptPath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
