using Microsoft.AspNetCore.Http;

namespace MeshClaw.Host.Dashboard;

/// <summary>Shared bits of the page handlers.</summary>
public static class DashboardPage
{
    public static DashboardSession Session(HttpContext http) => (DashboardSession)http.Items[typeof(DashboardSession)]!;

    public static IResult Render(HttpContext http, string title, string body, string? notice = null) =>
        Results.Content(Html.Page(title, body, Session(http), notice), "text/html; charset=utf-8");

    /// <summary>The start (UTC midnight) of the last N days, today included; whole days let the rollup answer.</summary>
    public static DateTimeOffset Since(string? days, TimeProvider time) =>
        new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - (int.TryParse(days, out var d) && d is > 0 and <= 3650 ? d : 30));
}
