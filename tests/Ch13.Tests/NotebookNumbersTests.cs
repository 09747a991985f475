using System.Diagnostics;

namespace Ch13.Tests;

/// <summary>Scripts print the notebook's numbers from reference/notebook.json, not from constants of their own.</summary>
public sealed class NotebookNumbersTests : IDisposable
{
    readonly string temp = Directory.CreateTempSubdirectory("ch13-notebook-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    static Run RunOf(string script, string repoRoot) => new(script, repoRoot, Path.GetTempPath(), Seed: 1, Epochs: 2, Quiet: true, Quick: false,
        ArgParser.Parse(script, [], CommonOptions.All(2)), [], DateTimeOffset.Now, Stopwatch.GetTimestamp(), CancellationToken.None);

    [Fact]
    public void A_value_of_a_series_is_read_from_an_entry_or_a_bare_number()
    {
        var autoMpg = RunOf("auto_mpg", TestPaths.RepoRoot);

        NotebookNumbers.Value(autoMpg, "MLP 9-10-6-4-1", "test_mse").Should().Be(15.7344);
        NotebookNumbers.Value(autoMpg, "MLP 9-10-6-4-1", "test_mae").Should().Be(2.9747);
        NotebookNumbers.Value(RunOf("lightning", TestPaths.RepoRoot), "MLP 784-32-16-10", "test_acc_book_style").Should().BeApproximately(0.95, 1e-4);
        NotebookNumbers.Value(RunOf("mnist", TestPaths.RepoRoot), "MLP 784-32-16-10", "early_stop_epoch").Should().Be(42);
    }

    [Fact]
    public void What_the_file_does_not_hold_is_null_and_a_file_that_is_not_JSON_is_an_error_naming_it()
    {
        NotebookNumbers.Value(RunOf("auto_mpg", TestPaths.RepoRoot), "MLP 9-10-6-4-1", "no_such_value").Should().BeNull();
        NotebookNumbers.Value(RunOf("init", TestPaths.RepoRoot), "MLP", "test_mse").Should().BeNull();
        NotebookNumbers.Value(RunOf("auto_mpg", temp), "MLP 9-10-6-4-1", "test_mse").Should().BeNull("a checkout without the file has no numbers");

        Directory.CreateDirectory(Path.Combine(temp, "reference"));
        File.WriteAllText(NotebookNumbers.PathIn(temp), "{ not json");
        FluentActions.Invoking(() => NotebookNumbers.Value(RunOf("auto_mpg", temp), "MLP 9-10-6-4-1", "test_mse"))
            .Should().Throw<Ch13Exception>().WithMessage($"*{NotebookNumbers.PathIn(temp)}*");
    }
}
