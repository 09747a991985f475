using System.Text.Json;

namespace Ch13.Tests;

/// <summary>The catalogue of history columns is the record's vocabulary: the names metrics.json writes, read from the right fields.</summary>
public sealed class HistoryColumnsTests
{
    [Fact]
    public void Every_epoch_value_is_one_column_named_as_the_record_writes_it_and_read_from_its_field()
    {
        var epoch = new EpochMetrics(3, 0.5, 0.75, 0.25, 0.875, 0.01);
        var json = JsonSerializer.SerializeToElement(epoch);
        // Besides the epoch's number, only Partial (the mark of an epoch cut short, not a value) is not a column.
        json.EnumerateObject().Select(p => p.Name).Where(n => n is not (nameof(EpochMetrics.Epoch) or nameof(EpochMetrics.Partial)))
            .Should().Equal(HistoryColumns.All.Select(c => c.Name));
        foreach (var column in HistoryColumns.All)
            column.Read(epoch).Should().Be(json.GetProperty(column.Name).GetDouble(), column.Name);
    }

    [Fact]
    public void A_column_is_found_by_its_name_and_losses_improve_downwards()
    {
        HistoryColumns.Named("valid_acc").Should().BeSameAs(HistoryColumns.ValidAccuracy);
        HistoryColumns.Named("valid_accuracy").Should().BeNull();
        HistoryColumns.All.Where(c => c.Name.EndsWith("_loss")).Should().OnlyContain(c => c.Better == Better.Lower);
        HistoryColumns.All.Where(c => c.Name.EndsWith("_acc")).Should().OnlyContain(c => c.Better == Better.Higher);
    }
}
