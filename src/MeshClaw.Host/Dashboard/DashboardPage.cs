using Microsoft.AspNetCore.Http;

namespace MeshClaw.Host.Dashboard;

/// <summary>Shared bits of the page handlers.</summary>
public static class DashboardPage
{
    public static DashboardSession Session(HttpContext http) => (DashboardSession)http.Items[typeof(DashboardSession)]!;

    public static IResult Render(HttpContext http, string title, string body, string? notice = null) =>
        Results.Content(Html.Page(title, body, Session(http), notice), "text/html; charset=utf-8");

    public static DateTimeOffset Since(string? days, TimeProvider time) =>
        time.GetUtcNow().AddDays(-(int.TryParse(days, out var d) && d is > 0 and <= 3650 ? d : 30));
}
