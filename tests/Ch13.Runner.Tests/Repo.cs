using System.Reflection;

namespace Ch13.Runner.Tests;

/// <summary>Where things are: the repo (found by walking up to ch13.slnx), the runner, the fixtures.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The runner built by this project's ProjectReference (same configuration as the tests).</summary>
    public static string RunnerDll { get; } = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RunnerDll").Value!;

    /// <summary>The offline copy of the chapter's data sets that tests and CI use (../shared/data).</summary>
    public static string SharedData { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string FixtureDir(string name) => Path.Combine(Root, "tests", "Ch13.Runner.Tests", "TestFixtures", name);

    public static string Fixture(string name) => Path.Combine(FixtureDir(name), name + ".csx");

    /// <summary>Copies the ./csx wrapper and the file it sources (tools/malloc.sh) into <paramref name="root"/>, for tests
    /// that run it over a stub <c>dotnet</c>.</summary>
    public static void CopyCsxWrapper(string root)
    {
        File.Copy(Path.Combine(Root, "csx"), Path.Combine(root, "csx"));
        Directory.CreateDirectory(Path.Combine(root, "tools"));
        File.Copy(Path.Combine(Root, "tools", "malloc.sh"), Path.Combine(root, "tools", "malloc.sh"));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ch13.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no ch13.slnx above {AppContext.BaseDirectory}");
    }
}

/// <summary>A script's environment with no way out: downloads fail at once, on any machine.</summary>
public static class Offline
{
    /// <summary><c>CH13_DATA</c> at <paramref name="dataDir"/>, and every proxy variable at a port nobody listens on.</summary>
    public static Dictionary<string, string> Environment(string dataDir) => new()
    {
        ["CH13_DATA"] = dataDir,
        ["http_proxy"] = "http://127.0.0.1:9",
        ["https_proxy"] = "http://127.0.0.1:9",
        ["HTTP_PROXY"] = "http://127.0.0.1:9",
        ["HTTPS_PROXY"] = "http://127.0.0.1:9",
        ["no_proxy"] = "",
        ["NO_PROXY"] = "",
    };
}
