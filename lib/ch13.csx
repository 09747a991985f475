// The one hub every script #loads: pinned packages, then every lib file.
// Versions are exact (dotnet-script caches need that; the bundled runner provides exactly these).
#r "nuget: TorchSharp-cpu, 0.107.0"
#r "nuget: ScottPlot, 5.1.59"
#r "nuget: Deedle, 8.1.0"

#load "Errors.cs"
#load "Specs.cs"
#load "Files.cs"
#load "NumpyRandom.cs"
#load "Data.cs"
#load "Loader.cs"
#load "Nets.cs"
#load "Modules.cs"
#load "NoisyLayers.cs"
#load "TensorText.cs"
#load "Training.cs"
#load "Plots.cs"
#load "Runs.cs"
