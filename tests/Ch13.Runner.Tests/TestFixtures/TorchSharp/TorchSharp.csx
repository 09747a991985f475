#r "nuget: TorchSharp-cpu, 0.107.0"
using TorchSharp;

WriteLine($"sum = {torch.ones(2).sum().item<float>()}");
