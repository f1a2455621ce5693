using System.Globalization;
using MeshClaw.Core.Runs;

namespace MeshClaw.Host.Dashboard;

/// <summary>How figures read on the dashboard: invariant, compact, the same on every page.</summary>
public static class Format
{
    public static string Money(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Share(double value) => value.ToString("P0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Status(RunStatus status) => RunStatusWords.Of(status);

    public static string StatusClass(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "ok",
        RunStatus.Failed or RunStatus.BudgetStopped => "bad",
        _ => "warn",
    };

    public static string Cut(string text, int length) => text.Length > length ? text[..length] + "…" : text;
}
