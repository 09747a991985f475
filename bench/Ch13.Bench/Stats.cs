namespace Ch13.Bench;

/// <summary>Small statistics and process-memory readings (Linux /proc; 0 elsewhere).</summary>
public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Resident set size of a process now (VmRSS), in MB; 0 when unknown.</summary>
    public static double RssMb(int pid) => StatusMb(pid, "VmRSS:");

    /// <summary>Peak resident set size of a process so far (VmHWM), in MB; 0 when unknown.</summary>
    public static double PeakRssMb(int pid) => StatusMb(pid, "VmHWM:");

    public static double SelfRssMb() => RssMb(Environment.ProcessId);

    static double StatusMb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0]) / 1024.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return 0;
    }
}
