using System.Text.Json;

// Each line leans on one of dotnet-script's implicit usings or on the shared framework.
var list = new List<int> { 3, 1, 2 };                                 // System.Collections.Generic
var sorted = list.OrderBy(x => x).ToArray();                          // System.Linq
var sb = new StringBuilder().Append(string.Join(",", sorted));        // System.Text
var watch = Stopwatch.StartNew();                                     // System.Diagnostics
dynamic bag = new ExpandoObject(); bag.Name = "bag";                  // System.Dynamic
Expression<Func<int, int>> twice = x => x * 2;                        // System.Linq.Expressions
var answer = await Task.FromResult(twice.Compile()(21));              // System.Threading.Tasks
var exists = File.Exists(Path.Combine(Path.GetTempPath(), "nope"));   // System.IO
WriteLine($"{sb} {bag.Name} {answer} {exists} {JsonSerializer.Serialize(new { ok = true })}"); // static System.Console, System.Text.Json
