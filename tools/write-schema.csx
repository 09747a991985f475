#load "../lib/ch13.csx"
// Writes reference/metrics.schema.json from the run record types (lib/run/RunRecord.cs): run it after changing a record
// (tests/Ch13.Tests/RunRecordTests fails while the committed schema is stale).
// Usage: ./csx tools/write-schema.csx

var root = Runs.RepoRoot(ScriptPath());
RunRecords.WriteSchema(root);
Console.WriteLine($"Wrote {RunRecords.SchemaPath(root)}");

static string ScriptPath([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
