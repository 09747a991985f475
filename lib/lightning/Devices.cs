#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Devices by name, as <c>--device</c> takes them.</summary>
public static class Devices
{
    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; a CUDA device on a machine without one is a usage error.</summary>
    public static Device Parse(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return CPU;
        if (lower.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw Ch13Exception.Usage($"--device {name}: CUDA is not available here (this pack uses TorchSharp-cpu). Use --device cpu.");
            return device(lower);
        }
        throw Ch13Exception.Usage($"--device {name}: expected cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// Moves a module's parameters to <paramref name="device"/> unless they are all there already (TorchSharp's
    /// <c>Module.to</c> leaves a handle per gradient behind even when nothing moves).
    /// </summary>
    public static void Move(nn.Module module, Device device)
    {
        if (module.parameters().All(p => p.device_type == device.type && p.device_index == device.index)) return;
        module.to(device);
    }
}
