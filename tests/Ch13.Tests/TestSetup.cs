using System.Runtime.CompilerServices;

namespace Ch13.Tests;

static class TestSetup
{
    /// <summary>One torch thread, as the scripts use: faster for small models and immune to core contention.</summary>
    [ModuleInitializer]
    internal static void SingleTorchThread() => torch.set_num_threads(1);
}
