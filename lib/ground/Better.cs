#nullable enable
using System.Text.Json.Serialization;

/// <summary>Which way a value improves, for comparisons and colours. Written as <c>higher</c> or <c>lower</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Better>))]
public enum Better
{
    [JsonStringEnumMemberName("higher")] Higher,
    [JsonStringEnumMemberName("lower")] Lower,
}
