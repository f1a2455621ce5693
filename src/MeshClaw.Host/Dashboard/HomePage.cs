using MeshClaw.Core.Runs;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Insights;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static MeshClaw.Host.Dashboard.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>What happened since the user last looked: pending approvals first, then runs and outcomes.</summary>
public static class HomePage
{
    public static void MapHomePage(this RouteGroupBuilder pages) =>
        pages.MapGet("/", async (HttpContext http, IApprovalStore approvals, IRunStore runs, IOutcomes outcomesStore, TimeProvider time, CancellationToken ct) =>
        {
            var session = DashboardPage.Session(http);
            var pending = await approvals.PendingAsync(ct);
            var recent = await runs.ListAsync(15, null, ct);
            var outcomes = await outcomesStore.RecentAsync(time.GetUtcNow().AddDays(-1), 15, ct);
            var body = $"""
                <h2>Waiting for you ({pending.Count})</h2>
                {ApprovalsPage.Table(pending, session)}
                <h2>Recent runs</h2>
                {RunsPages.Table(recent)}
                <h2>Outcomes in the last 24 hours</h2>
                {UsagePage.Outcomes(outcomes, session)}
                """;
            return DashboardPage.Render(http, "Home", body);
        });
}
