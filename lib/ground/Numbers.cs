#nullable enable
using System.Globalization;

/// <summary>
/// The one way numbers become text for people in lib (console lines, progress bars, Lightning's tables), culture-free.
/// Non-finite values read as .NET writes them (<c>NaN</c>, <c>Infinity</c>) in every format.
/// </summary>
public static class Numbers
{
    /// <summary>Fixed decimals (<paramref name="format"/>, F4 by default), or <c>n/a</c> when the run never got that far.</summary>
    public static string Fixed(double? value, string format = "F4") =>
        value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Three decimals, or <c>1.23e-04</c> for tiny ones: the values on a progress bar and Lightning's epoch line.</summary>
    public static string Short(double value) => Math.Abs(value) < 1e-3 && value != 0
        ? value.ToString("0.00e+00", CultureInfo.InvariantCulture)
        : value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>The shortest text that reads back as the same double, lower-case (<c>1e-05</c>, <c>nan</c>): what a user may type back as an option value.</summary>
    public static string RoundTrip(double value) => value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
}
