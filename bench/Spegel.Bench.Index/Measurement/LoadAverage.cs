namespace Spegel.Bench.Index.Measurement;

/// <summary>The machine's load average, which says how much of the CPU other processes took during a measurement.</summary>
internal static class LoadAverage
{
    /// <summary>The 1, 5 and 15 minute load averages from <c>/proc/loadavg</c>, or "n/a" where there is none.</summary>
    public static string Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(' ', fields.Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
