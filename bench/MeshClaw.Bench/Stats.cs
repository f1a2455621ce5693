using System.Globalization;

namespace MeshClaw.Bench;

/// <summary>Median and percentiles of repeated measurements.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    public static string Describe(IReadOnlyList<double> values, string unit) => string.Create(CultureInfo.InvariantCulture,
        $"median {Median(values):0.###} {unit}, p90 {Percentile(values, 90):0.###} {unit}, p99 {Percentile(values, 99):0.###} {unit}, min {values.Min():0.###}, max {values.Max():0.###} (n={values.Count})");
}
