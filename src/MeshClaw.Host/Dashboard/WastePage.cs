using MeshClaw.Core.Insights;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static MeshClaw.Host.Dashboard.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>Tokens that bought nothing: runs without an outcome, loops, repeated identical calls, outputs never used; each with a fix.</summary>
public static class WastePage
{
    public static void MapWastePage(this RouteGroupBuilder pages) =>
        pages.MapGet("/waste", async (HttpContext http, IInsights insights, TimeProvider time, string? days, CancellationToken ct) =>
        {
            var waste = await insights.WasteAsync(DashboardPage.Since(days, time), ct);
            var body = Html.Table(["kind", "agent", "run", "tokens", "cost", "what happened", "suggested fix"], waste.Select(w => (IReadOnlyList<string>)
            [
                E(w.Kind), E(w.Agent), w.RunId is null ? "" : $"<a href=\"/runs/{E(w.RunId)}\">{E(w.RunId)}</a>", Number(w.Tokens), Money(w.Cost), E(w.What), E(w.Fix),
            ]), "waste");
            return DashboardPage.Render(http, "Waste", $"<p>{waste.Count} finding(s) in the last {E(days ?? "30")} days.</p>{body}");
        });
}
