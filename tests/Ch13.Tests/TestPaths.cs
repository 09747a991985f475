namespace Ch13.Tests;

/// <summary>Where the repository and the chapter's data sets are, seen from the test assembly.</summary>
public static class TestPaths
{
    /// <summary>The folder holding ch13.slnx, found by walking up from the test assembly.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ch13.slnx"))) return dir.FullName;
        throw new InvalidOperationException("ch13.slnx not found above " + AppContext.BaseDirectory);
    }
}
