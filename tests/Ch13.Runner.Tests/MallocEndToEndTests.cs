using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Ch13.Runner.Tests;

/// <summary>
/// ./csx preloads tcmalloc where it is installed: a script then writes the same record (apart from timings, the
/// environment and --out), the same PNG bytes and the same checkpoint tensors as under the system malloc, and its
/// record names the malloc it ran with. Auto MPG (SGD, MKL's small GEMMs) and MNIST (Adam, VML's square roots).
/// </summary>
public sealed class MallocEndToEndTests : IDisposable
{
    readonly RunnerProcess runner = new();
    readonly ScratchDir scratch = new();

    [WithTcmallocFact]
    public void Auto_mpg_and_mnist_leave_the_same_results_under_tcmalloc_as_under_the_system_malloc()
    {
        foreach (var name in new[] { "auto_mpg", "mnist" })
        {
            var script = Path.Combine(Repo.Root, "scripts", name + ".csx");
            var (system, tcmalloc) = (scratch.PathFor($"{name}-system"), scratch.PathFor($"{name}-tcmalloc"));
            var a = runner.Run(new Dictionary<string, string> { ["LD_PRELOAD"] = "" }, script, "--", "--quick", "--quiet", "--out", system);
            var b = runner.Run(new Dictionary<string, string> { ["LD_PRELOAD"] = Tcmalloc.Installed! }, script, "--", "--quick", "--quiet", "--out", tcmalloc);
            a.ExitCode.Should().Be(0, a.Errors);
            b.ExitCode.Should().Be(0, b.Errors);

            Allocator(system).Should().Be("system");
            Allocator(tcmalloc).Should().Be("tcmalloc");
            DeterminismEndToEndTests.Comparable(File.ReadAllText(Path.Combine(tcmalloc, "metrics.json")), tcmalloc)
                .Should().Be(DeterminismEndToEndTests.Comparable(File.ReadAllText(Path.Combine(system, "metrics.json")), system), name);
            var files = Relative(system);
            Relative(tcmalloc).Should().Equal(files);
            files.Should().Contain(f => f.EndsWith(".png")).And.Contain(f => f.EndsWith(".pth"));
            foreach (var file in files.Where(f => f.EndsWith(".png")))
                File.ReadAllBytes(Path.Combine(tcmalloc, file)).Should().Equal(File.ReadAllBytes(Path.Combine(system, file)), file);
            foreach (var file in files.Where(f => f.EndsWith(".pth")))
                Entries(Path.Combine(tcmalloc, file)).Should().Equal(Entries(Path.Combine(system, file)), file + ": the same tensors (a zip's times differ)");
        }
    }

    static string? Allocator(string outDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!["environment"]!["allocator"]?.GetValue<string>();

    static List<string> Relative(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order().ToList();

    // Each entry of a PyTorch zip as "name sha256".
    static List<string> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(e =>
        {
            using var stream = e.Open();
            return e.FullName + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
        }).ToList();
    }

    public void Dispose()
    {
        runner.Dispose();
        scratch.Dispose();
    }
}
