namespace Ch13.Tests;

/// <summary>
/// Torch's default random generator is process-global and xunit runs test classes in parallel:
/// every test that seeds or draws from it joins this collection, which runs on its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "torch global state";
}
