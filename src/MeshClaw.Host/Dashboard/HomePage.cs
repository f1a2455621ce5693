using MeshClaw.Core.Approvals;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>What happened since the user last looked: a refused config edit, the overnight glance, pending approvals, then runs and outcomes.</summary>
public static class HomePage
{
    public static void MapHomePage(this RouteGroupBuilder pages) =>
        pages.MapGet("/", async Task<IResult> (HttpContext http, IApprovalStore approvals, IRunStore runs, IOutcomes outcomes, IInsights insights, IUsageLedger ledger,
            IOutbox outbox, ConfigSource config, TimeProvider time, CancellationToken ct) =>
        {
            // Looked at now, so an edit made since the last run shows here at once.
            config.Refresh();
            var overnight = await Overnight.ReadAsync(Overnight.Start(time.GetUtcNow(), config.Current().Config.Policy.TimeZone), insights, ledger, runs, ct);
            // Runs that met an attack are the first thing to see: what was refused, and that the run stopped acting.
            var blocked = (await runs.ListAsync(200, null, ct)).Where(r => r.Status == RunStatus.Blocked && r.StartedAt >= time.GetUtcNow().AddDays(-7)).ToList();
            return await DashboardPage.RenderAsync(http, Home.Create(new HomeView(DashboardPage.Csrf(http), overnight, await approvals.PendingAsync(ct), await runs.ListAsync(15, null, ct),
                await outcomes.RecentAsync(time.GetUtcNow().AddDays(-1), 15, ct), config.RefusedEdit, blocked,
                await outbox.RecentAsync(10, ct))));
        });
}
