#nullable enable
using System.Text.Json.Nodes;

/// <summary>
/// TEMPORARY adapter (branch <c>tools</c>, until branch <c>record</c> is merged): the two <see cref="References"/>
/// calls the tools make, with the signatures branch <c>record</c> gives References itself, over today's JSON-path
/// References. On merge: replace <c>ReferencesForRecords.</c> with <c>References.</c> in tools/lib, delete this file
/// and its #load line in tools/tools.csx.
/// </summary>
public static class ReferencesForRecords
{
    public static IReadOnlyList<FidelityRow> Rows(ScriptReference reference, RunRecord? record) =>
        References.Rows(reference, record is null ? null : JsonNode.Parse(RunRecords.ToJson(record)));

    public static ReferenceValue? ForKeyMetric(ScriptReference? reference, KeyMetric? keyMetric) =>
        References.ForKeyMetric(reference, keyMetric?.Name);
}
