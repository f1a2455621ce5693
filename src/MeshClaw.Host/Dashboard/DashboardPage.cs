using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RazorSlices;

namespace MeshClaw.Host.Dashboard;

/// <summary>Shared bits of the page handlers.</summary>
public static class DashboardPage
{
    /// <summary>The signed-in page's form token (ASP.NET's antiforgery), which every form on it posts back.</summary>
    public static string Csrf(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken ?? "";

    /// <summary>
    /// Renders a page whose model is complete to a string first, then answers: a page either renders whole or not at
    /// all (never a cut-off "200"), and carries its length.
    /// </summary>
    public static async Task<IResult> RenderAsync(HttpContext http, RazorSlice slice, int status = StatusCodes.Status200OK)
    {
        var html = await slice.RenderAsync(http.RequestServices.GetRequiredService<HtmlEncoder>(), http.RequestAborted);
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A path of this dashboard to go back to after a form, or <paramref name="fallback"/> for anything else (another site, a scheme).</summary>
    public static string LocalPath(string? path, string fallback) =>
        path is { Length: > 0 } p && p[0] == '/' && !p.StartsWith("//", StringComparison.Ordinal) && !p.StartsWith("/\\", StringComparison.Ordinal) ? p : fallback;

    /// <summary>The start (UTC midnight) of the last N days, today included; whole days let the rollup answer.</summary>
    public static DateTimeOffset Since(string? days, TimeProvider time) =>
        new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - Days(days));

    public static int Days(string? days) => int.TryParse(days, out var d) && d is > 0 and <= 3650 ? d : 30;
}
