using MeshClaw.Host.Access;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Host.Dashboard;

/// <summary>Shared bits of the page handlers.</summary>
public static class DashboardPage
{
    /// <summary>The signed-in page's form token (ASP.NET's antiforgery), which every form posts back.</summary>
    public static DashboardSession Session(HttpContext http) =>
        new(http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken ?? "");

    public static IResult Render(HttpContext http, string title, string body, string? notice = null) =>
        Results.Content(Html.Page(title, body, Session(http), notice), "text/html; charset=utf-8");

    /// <summary>The start (UTC midnight) of the last N days, today included; whole days let the rollup answer.</summary>
    public static DateTimeOffset Since(string? days, TimeProvider time) =>
        new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - (int.TryParse(days, out var d) && d is > 0 and <= 3650 ? d : 30));
}

/// <summary>What a page needs of the signed-in session: the form token.</summary>
public sealed record DashboardSession(string Csrf);
