using MeshClaw.Core.Approvals;
using MeshClaw.Host.Approvals;
using MeshClaw.Host.Journal;
using MeshClaw.Host.Safety;
using MeshClaw.Storage.Approvals;
using MeshClaw.Storage.Audit;
using MeshClaw.Storage.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Approvals, the kill switch, undo, the journal, standing rules and the audit log.</summary>
public static class SecurityEndpoints
{
    public static void MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/approvals", async (SqliteApprovalStore store, bool? all, CancellationToken ct) =>
            Results.Json(all == true ? await store.RecentAsync(100, ct) : await store.PendingAsync(ct), ApiJson.Options));
        app.MapGet("/api/approvals/{id}", async (string id, SqliteApprovalStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } approval ? Results.Json(approval, ApiJson.Options) : NotFound($"no approval with id '{id}'"));
        app.MapPost("/api/approvals/{id}/approve", (string id, AnswerBody? body, ApprovalBroker broker, HttpContext http, CancellationToken ct) =>
            AnswerAsync(broker, id, ApprovalStatus.Approved, By(http), body?.Always == true ? body.Fields ?? [] : null, ct));
        app.MapPost("/api/approvals/{id}/deny", (string id, ApprovalBroker broker, HttpContext http, CancellationToken ct) =>
            AnswerAsync(broker, id, ApprovalStatus.Denied, By(http), null, ct));

        app.MapPost("/api/pause", async (PauseSwitch pause, HttpContext http, CancellationToken ct) =>
        {
            await pause.PauseAsync(By(http), ct);
            return Results.Json(new { paused = true }, ApiJson.Options);
        });
        app.MapPost("/api/resume", async (PauseSwitch pause, HttpContext http, CancellationToken ct) =>
        {
            await pause.ResumeAsync(By(http), ct);
            return Results.Json(new { paused = false }, ApiJson.Options);
        });

        app.MapPost("/api/undo", async (UndoBody body, UndoService undo, HttpContext http, CancellationToken ct) =>
        {
            try
            {
                var report = body switch
                {
                    { Action: { } action } => await undo.UndoActionAsync(action, By(http), ct),
                    { Run: { Length: > 0 } run } => await undo.UndoRunAsync(run, By(http), ct),
                    _ => null,
                };
                return report is null ? BadRequest("name an action or a run to undo") : Results.Json(report, ApiJson.Options);
            }
            catch (KeyNotFoundException ex)
            {
                return NotFound(ex.Message);
            }
        });

        app.MapGet("/api/journal", async (SqliteActionJournal journal, string? run, int? limit, CancellationToken ct) =>
            Results.Json(run is null ? await journal.RecentAsync(Math.Clamp(limit ?? 50, 1, 1000), ct) : await journal.ForRunAsync(run, ct), ApiJson.Options));

        app.MapGet("/api/rules", (SqliteStandingRules rules) => Results.Json(rules.All.Select(r => new { r.Id, r.Agent, r.Capability, Match = r.Match.GetRawText(), r.CreatedAt }), ApiJson.Options));
        app.MapDelete("/api/rules/{id:long}", async (long id, SqliteStandingRules rules, CancellationToken ct) =>
            await rules.RemoveAsync(id, ct) ? Results.Json(new { removed = id }, ApiJson.Options) : NotFound($"no standing rule {id}"));

        app.MapGet("/api/audit", async (SqliteAuditLog audit, string? run, int? limit, CancellationToken ct) =>
            Results.Json(await audit.RecentAsync(Math.Clamp(limit ?? 50, 1, 10_000), run, ct), ApiJson.Options));
        app.MapGet("/api/audit/verify", async (SqliteAuditLog audit, CancellationToken ct) => Results.Json(await audit.VerifyAsync(ct), ApiJson.Options));
    }

    private static async Task<IResult> AnswerAsync(ApprovalBroker broker, string id, ApprovalStatus answer, string by, IReadOnlyList<string>? fields, CancellationToken ct)
    {
        try
        {
            return Results.Json(await broker.AnswerAsync(id, answer, by, fields, ct), ApiJson.Options);
        }
        catch (KeyNotFoundException ex)
        {
            return NotFound(ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return Results.Json(new ApiError(ex.Message), ApiJson.Options, statusCode: 409);
        }
    }

    /// <summary>Who answered: the client as it names itself (the CLI, later the dashboard or Slack), behind the token.</summary>
    private static string By(HttpContext http) => "user:" + (http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua.Split(' ')[0] : "api");

    private static IResult NotFound(string message) => Results.Json(new ApiError(message), ApiJson.Options, statusCode: 404);

    private static IResult BadRequest(string message) => Results.Json(new ApiError(message), ApiJson.Options, statusCode: 400);
}

public sealed record AnswerBody(bool Always = false, IReadOnlyList<string>? Fields = null);

public sealed record UndoBody(long? Action = null, string? Run = null);
