namespace Ch13.Tests;

public class MetricsTests
{
    [Fact]
    public void The_confusion_matrix_has_truth_in_rows_and_predictions_in_columns()
    {
        var confusion = Metrics.ConfusionMatrix(actual: [0, 0, 1, 2, 2, 2], predicted: [0, 1, 1, 2, 0, 2], classes: 3);
        confusion.Should().BeEquivalentTo(new int[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 2 } });
        Metrics.Recall(confusion).Should().Equal(0.5, 1.0, 2.0 / 3);
        Metrics.Accuracy([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2]).Should().BeApproximately(4.0 / 6, 1e-12);
    }

    [Fact]
    public void Classes_outside_the_range_and_length_mismatches_are_rejected()
    {
        FluentActions.Invoking(() => Metrics.ConfusionMatrix([0, 3], [0, 1], 3)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => Metrics.Accuracy([0, 1], [0])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void The_books_running_accuracy_mean_weights_early_batches_like_late_ones()
    {
        // Batches of 2: running accuracy 1/2 after the first, 3/4 after the second → (0.5·2 + 0.75·2) / 4.
        Metrics.RunningAccuracyMean([1, 1, 1, 1], [1, 0, 1, 1], batchSize: 2).Should().BeApproximately(0.625, 1e-12);
        Metrics.RunningAccuracyMean([1, 1, 1], [1, 1, 1], batchSize: 2).Should().Be(1.0);
    }
}
