#r "nuget: ScottPlot, 5.0.0"

WriteLine("unreachable");
