using System.Globalization;
using MeshClaw.Core.Approvals;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static MeshClaw.Host.Dashboard.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>Approve or deny held calls, with the full arguments and the reason they were asked; the answer reaches the waiting run.</summary>
public static class ApprovalsPage
{
    public static void MapApprovalsPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/approvals", async (HttpContext http, IApprovalStore store, CancellationToken ct) =>
        {
            var session = DashboardPage.Session(http);
            var body = $"<h2>Pending</h2>{Table(await store.PendingAsync(ct), session)}<h2>Recently answered</h2>{Answered(await store.RecentAsync(30, ct))}";
            return DashboardPage.Render(http, "Approvals", body);
        });

        pages.MapPost("/approvals/{id}/{answer}", async (HttpContext http, string id, string answer, IApprovalBroker broker, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var status = answer switch { "approve" => ApprovalStatus.Approved, "deny" => ApprovalStatus.Denied, _ => (ApprovalStatus?)null };
            if (status is null)
            {
                return Results.BadRequest("answer approve or deny");
            }

            try
            {
                await broker.AnswerAsync(id, status.Value, "user:dashboard", form["always"] == "on" ? [] : null, ct);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
            {
                return DashboardPage.Render(http, "Approvals", $"<p><a href=\"/approvals\">Back to approvals</a></p>", ex.Message);
            }

            return Results.Redirect("/approvals");
        });
    }

    public static string Table(IReadOnlyList<Approval> pending, DashboardSession session) => Html.Table(["approval", "agent", "tool", "why it was asked", "arguments", "expires", "answer"],
        pending.Select(a => (IReadOnlyList<string>)
        [
            E(a.Id), E(a.Agent), $"{E(a.Tool)}<br><small>{E(a.Capability)}</small>", E(a.Reason), $"<pre>{E(a.Arguments)}</pre>",
            E(a.ExpiresAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            Form($"/approvals/{a.Id}/approve", session, "Approve") + " " + Form($"/approvals/{a.Id}/deny", session, "Deny"),
        ]), "pending-approvals");

    private static string Answered(IReadOnlyList<Approval> recent) => Html.Table(["approval", "agent", "tool", "status", "by"],
        recent.Where(a => a.Status != ApprovalStatus.Pending).Select(a => (IReadOnlyList<string>)[E(a.Id), E(a.Agent), E(a.Tool), E(a.Status.ToString().ToLowerInvariant()), E(a.DecidedBy)]));
}
