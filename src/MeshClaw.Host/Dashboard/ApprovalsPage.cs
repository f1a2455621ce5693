using MeshClaw.Core.Approvals;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>Approve or deny held calls, with the full arguments and the reason they were asked; the answer reaches the waiting run.</summary>
public static class ApprovalsPage
{
    public static void MapApprovalsPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/approvals", Task<IResult> (HttpContext http, IApprovalStore store, CancellationToken ct) => PageAsync(http, store, null, ct));

        pages.MapPost("/approvals/{id}/{answer}", async Task<IResult> (HttpContext http, string id, string answer, IApprovalBroker broker, IApprovalStore store, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var status = answer switch { "approve" => ApprovalStatus.Approved, "deny" => ApprovalStatus.Denied, _ => (ApprovalStatus?)null };
            if (status is null)
            {
                return Results.BadRequest("answer approve or deny");
            }

            try
            {
                // "Always allow calls like this": a standing rule that matches every argument of this call exactly.
                await broker.AnswerAsync(id, status.Value, "user:dashboard", form["always"] == "on" ? [] : null, ct);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
            {
                return await PageAsync(http, store, ex.Message, ct);
            }

            return Results.LocalRedirect("/approvals");
        });
    }

    private static async Task<IResult> PageAsync(HttpContext http, IApprovalStore store, string? notice, CancellationToken ct) =>
        await DashboardPage.RenderAsync(http, Approvals.Create(new ApprovalsView(DashboardPage.Csrf(http), await store.PendingAsync(ct),
            [.. (await store.RecentAsync(30, ct)).Where(a => a.Status != ApprovalStatus.Pending)], notice)));
}
