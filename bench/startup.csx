#load "../lib/ch13.csx"
// The benchmark's start-up probe: everything a section script does before its first epoch (runner start, cached
// script load, lib, torch init, arguments, data, model, optimiser), then exit. `./bench/run` times it end to end.

using TorchSharp;
using static TorchSharp.torch;

var run = Runs.Start("startup", Args, epochs: 1);
var data = Data.Xor();
var train = Data.ToTensors(data.Train);
torch.manual_seed(run.Seed);
var model = new MyModule();
var optimizer = Optimizers.Flat(new Adam(0.015), model.parameters());
Console.WriteLine($"ready for the first epoch after {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds:F3} s (process clock)");
return 0;
