#nullable enable
using System.Globalization;

/// <summary>Values printed the way Python prints them, so our lines read like the notebook's.</summary>
public static class PyText
{
    /// <summary>
    /// A float as Python's <c>repr</c> prints it: the shortest text that reads back as the same double (a float32 loss
    /// from <c>loss.item()</c> too), with <c>.0</c> on whole numbers: <c>0.6937592625617981</c>, <c>0.5</c>, <c>1.0</c>.
    /// </summary>
    public static string Float(double value) =>
        double.IsInteger(value) && Math.Abs(value) < 1e16 ? value.ToString("0.0", CultureInfo.InvariantCulture)
                                                         : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><c>True</c> or <c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";
}
