using MeshClaw.Core.Insights;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>Tokens that bought nothing: runs without an outcome, loops, repeated identical calls, outputs never used; each with a fix.</summary>
public static class WastePage
{
    public static void MapWastePage(this RouteGroupBuilder pages) =>
        pages.MapGet("/waste", async Task<IResult> (HttpContext http, IInsights insights, TimeProvider time, string? days, CancellationToken ct) =>
            await DashboardPage.RenderAsync(http, Waste.Create(new WasteView(DashboardPage.Csrf(http), DashboardPage.Days(days).ToString(System.Globalization.CultureInfo.InvariantCulture),
                await insights.WasteAsync(DashboardPage.Since(days, time), ct)))));
}
