using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Access;
using MeshClaw.Host.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Approvals, the kill switch, undo, the journal, standing rules and the audit log.</summary>
public static class SecurityEndpoints
{
    public static void MapSecurityEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/approvals", async Task<Ok<IEnumerable<ApprovalView>>> (IApprovalStore store, bool? all, CancellationToken ct) =>
            TypedResults.Ok((all == true ? await store.RecentAsync(100, ct) : await store.PendingAsync(ct)).Select(ApprovalView.From)));
        api.MapGet("/approvals/{id}", async Task<Results<Ok<ApprovalView>, ProblemHttpResult>> (string id, IApprovalStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } approval ? TypedResults.Ok(ApprovalView.From(approval)) : ApiProblems.NotFound($"no approval with id '{id}'"));
        api.MapPost("/approvals/{id}/approve", (string id, AnswerBody? body, IApprovalBroker broker, HttpContext http, CancellationToken ct) =>
            AnswerAsync(broker, id, ApprovalStatus.Approved, Actor(http), body, ct));
        api.MapPost("/approvals/{id}/deny", (string id, IApprovalBroker broker, HttpContext http, CancellationToken ct) =>
            AnswerAsync(broker, id, ApprovalStatus.Denied, Actor(http), null, ct));

        api.MapPost("/pause", async Task<Ok<PauseView>> (IPauseSwitch pause, HttpContext http, CancellationToken ct) =>
        {
            await pause.PauseAsync(Actor(http), ct);
            return TypedResults.Ok(new PauseView(true));
        });
        api.MapPost("/resume", async Task<Ok<PauseView>> (IPauseSwitch pause, HttpContext http, CancellationToken ct) =>
        {
            await pause.ResumeAsync(Actor(http), ct);
            return TypedResults.Ok(new PauseView(false));
        });

        api.MapPost("/undo", async Task<Results<Ok<UndoReport>, ProblemHttpResult>> (UndoBody body, UndoService undo, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                var report = body switch
                {
                    { Action: { } action } => await undo.UndoActionAsync(action, Actor(http), ct),
                    { Run: { Length: > 0 } run } => await undo.UndoRunAsync(run, Actor(http), ct),
                    _ => null,
                };
                return report is null ? ApiProblems.BadRequest("name an action or a run to undo") : TypedResults.Ok(report);
            }
            catch (KeyNotFoundException ex)
            {
                return ApiProblems.NotFound(ex.Message);
            }
        });

        api.MapGet("/journal", async Task<Ok<IEnumerable<JournalEntryView>>> (IActionJournal journal, string? run, int? limit, CancellationToken ct) =>
            TypedResults.Ok((run is null ? await journal.RecentAsync(Math.Clamp(limit ?? 50, 1, 1000), ct) : await journal.ForRunAsync(run, ct)).Select(JournalEntryView.From)));

        api.MapGet("/grants", async Task<Ok<IEnumerable<GrantView>>> (GrantBook grants, bool? all, CancellationToken ct) =>
            TypedResults.Ok((await grants.ListAsync(all == true, ct)).Select(GrantView.From)));
        api.MapPost("/grants/{id:long}/revoke", async Task<Results<Ok<GrantView>, ProblemHttpResult>> (long id, GrantBook grants, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                return TypedResults.Ok(GrantView.From(await grants.RevokeAsync(id, Actor(http), ct)));
            }
            catch (KeyNotFoundException ex)
            {
                return ApiProblems.NotFound(ex.Message);
            }
            catch (InvalidOperationException ex)
            {
                return ApiProblems.Conflict(ex.Message);
            }
        });
        // The first spelling of the same: standing rules, removed with DELETE (now a revocation, audited and kept in the list).
        api.MapGet("/rules", async Task<Ok<IEnumerable<StandingRuleView>>> (GrantBook grants, CancellationToken ct) =>
            TypedResults.Ok((await grants.ListAsync(false, ct)).Select(StandingRuleView.From)));
        api.MapDelete("/rules/{id:long}", async Task<Results<Ok<RemovedView>, ProblemHttpResult>> (long id, GrantBook grants, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                await grants.RevokeAsync(id, Actor(http), ct);
                return TypedResults.Ok(new RemovedView(id));
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
            {
                return ApiProblems.NotFound($"no standing rule {id}");
            }
        });

        api.MapGet("/audit", async Task<Ok<IEnumerable<AuditRecordView>>> (IAuditReader audit, string? run, int? limit, CancellationToken ct) =>
            TypedResults.Ok((await audit.RecentAsync(Math.Clamp(limit ?? 50, 1, 10_000), run, ct)).Select(AuditRecordView.From)));
        api.MapGet("/audit/verify", async Task<Results<Ok<AuditVerificationView>, ProblemHttpResult>> (IAuditReader audit, string? anchor, CancellationToken ct) =>
        {
            AuditAnchor? parsed = null;
            if (anchor is not null && (parsed = AuditAnchor.TryParse(anchor)) is null)
            {
                return ApiProblems.BadRequest($"'{anchor}' is not a head as audit verify prints it (seq:hash)");
            }

            return TypedResults.Ok(AuditVerificationView.From(await audit.VerifyAsync(parsed, ct)));
        });
    }

    private static async Task<Results<Ok<ApprovalView>, ProblemHttpResult>> AnswerAsync(IApprovalBroker broker, string id, ApprovalStatus answer, string by, AnswerBody? body, CancellationToken ct)
    {
        GrantRequest? grant;
        try
        {
            grant = body?.Grant();
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.BadRequest(ex.Message);
        }

        try
        {
            return TypedResults.Ok(ApprovalView.From(await broker.AnswerAsync(id, answer, by, grant, ct)));
        }
        catch (KeyNotFoundException ex)
        {
            return ApiProblems.NotFound(ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return ApiProblems.Conflict(ex.Message);
        }
    }

    private static string Actor(HttpContext http) => CallerOrigin.Actor(http.User, http.Request.Headers.UserAgent.ToString());
}
