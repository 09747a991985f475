// The one hub every script #loads: pinned packages, then every lib file.
// Versions are exact (dotnet-script caches need that; the bundled runner provides exactly these).
#r "nuget: TorchSharp-cpu, 0.107.0"
#r "nuget: ScottPlot, 5.1.59"
#r "nuget: Deedle, 8.1.0"

#load "Errors.cs"
#load "Specs.cs"
#load "DataFiles.cs"
#load "Idx.cs"
#load "Mnist.cs"
#load "Features.cs"
#load "AutoMpg.cs"
