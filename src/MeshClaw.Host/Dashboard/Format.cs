using System.Globalization;
using MeshClaw.Core.Runs;

namespace MeshClaw.Host.Dashboard;

/// <summary>How figures read on the dashboard: invariant, compact, the same on every page.</summary>
public static class Format
{
    public static string Money(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A figure short enough for a chart's axis and bars: 950, 12.5k, 3.2M.</summary>
    public static string Compact(double value) => Math.Abs(value) switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };

    public static string Share(double value) => value.ToString("P0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Status(RunStatus status) => RunStatusWords.Of(status);

    public static string StatusClass(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "ok",
        RunStatus.Failed or RunStatus.BudgetStopped or RunStatus.Blocked => "bad",
        _ => "warn",
    };

    public static string Cut(string text, int length) => text.Length > length ? text[..length] + "…" : text;
}
