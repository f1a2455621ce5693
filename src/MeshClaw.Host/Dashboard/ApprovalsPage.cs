using MeshClaw.Core.Approvals;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Approve or deny held calls, with the full arguments and the reason they were asked; the answer reaches the waiting
/// run. An approval can also grant calls like it for the run, an hour, today or always; the grants are listed here with
/// their scope and expiry, and can be revoked.
/// </summary>
public static class ApprovalsPage
{
    public static void MapApprovalsPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/approvals", Task<IResult> (HttpContext http, IApprovalStore store, GrantBook grants, CancellationToken ct) => PageAsync(http, store, grants, null, ct));

        pages.MapPost("/approvals/{id}/{answer}", async Task<IResult> (HttpContext http, string id, string answer, IApprovalBroker broker, IApprovalStore store, GrantBook grants, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var status = answer switch { "approve" => ApprovalStatus.Approved, "deny" => ApprovalStatus.Denied, _ => (ApprovalStatus?)null };
            if (status is null)
            {
                return Results.BadRequest("answer approve or deny");
            }

            // A run's, an hour's or today's grant allows the capability with any arguments; "always" only calls with
            // exactly these arguments (the older form sent always=on for it).
            var scope = form["always"] == "on" ? GrantScope.Always : GrantScopes.Parse(form["for"]);
            if (scope is null && !string.IsNullOrEmpty(form["for"]))
            {
                return Results.BadRequest($"for is {GrantScopes.Expected}");
            }

            try
            {
                await broker.AnswerAsync(id, status.Value, "user:dashboard", scope is { } s ? new GrantRequest(s) : null, ct);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
            {
                return await PageAsync(http, store, grants, ex.Message, ct);
            }

            return Results.LocalRedirect("/approvals");
        });

        pages.MapPost("/grants/{id:long}/revoke", async Task<IResult> (HttpContext http, long id, IApprovalStore store, GrantBook grants, CancellationToken ct) =>
        {
            try
            {
                await grants.RevokeAsync(id, "user:dashboard", ct);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
            {
                return await PageAsync(http, store, grants, ex.Message, ct);
            }

            return Results.LocalRedirect("/approvals#grants");
        });
    }

    private static async Task<IResult> PageAsync(HttpContext http, IApprovalStore store, GrantBook grants, string? notice, CancellationToken ct) =>
        await DashboardPage.RenderAsync(http, Approvals.Create(new ApprovalsView(DashboardPage.Csrf(http), await store.PendingAsync(ct),
            [.. (await store.RecentAsync(30, ct)).Where(a => a.Status != ApprovalStatus.Pending)], await grants.ListAsync(false, ct), notice)));
}
