using MeshClaw.Core.Agents;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Gateway;
using MeshClaw.Host.Home;
using MeshClaw.Host.Runs;
using MeshClaw.Host.Safety;
using MeshClaw.Storage.Triage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Health, agents and usage: the read-only parts of the API.</summary>
public static class InfoEndpoints
{
    public static void MapInfoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (RunCoordinator coordinator, PauseSwitch pause) =>
            Results.Json(new HealthView("ok", GatewayInfo.Version, coordinator.ActiveCount, pause.IsPaused), ApiJson.Options));

        app.MapGet("/api/agents", (MeshClawHome home) =>
        {
            var catalog = AgentCatalog.Load(home.Agents);
            return Results.Json(new AgentListView(
                [.. catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(ToView)],
                [.. catalog.Errors.Select(e => e.ToString())]), ApiJson.Options);
        });

        app.MapGet("/api/digest", async (SqliteTriageStore store, string? agent, CancellationToken ct) =>
            await store.LatestDigestAsync(agent ?? "inbox", ct) is { } digest
                ? Results.Json(new { agent = agent ?? "inbox", digest }, ApiJson.Options)
                : Results.Json(new ApiError($"no digest from agent '{agent ?? "inbox"}' yet"), ApiJson.Options, statusCode: 404));

        app.MapGet("/api/outcomes", async (Storage.Insights.SqliteInsights insights, TimeProvider time, int? days, CancellationToken ct) =>
            Results.Json(await insights.OutcomesAsync(time.GetUtcNow().AddDays(-Math.Clamp(days ?? 7, 1, 3650)), 200, ct), ApiJson.Options));
        app.MapPost("/api/outcomes/{id:long}/feedback", async (long id, FeedbackBody body, Storage.Insights.SqliteInsights insights, TimeProvider time, CancellationToken ct) =>
            body.Verdict is not ("useful" or "not-useful" or "accepted" or "discarded")
                ? Results.Json(new ApiError("verdict is useful, not-useful, accepted or discarded"), ApiJson.Options, statusCode: 400)
                : await insights.FeedbackAsync(id, body.Verdict, time.GetUtcNow(), ct)
                    ? Results.Json(new { outcome = id, body.Verdict }, ApiJson.Options)
                    : Results.Json(new ApiError($"no outcome {id}"), ApiJson.Options, statusCode: 404));

        app.MapGet("/api/usage", async (IUsageLedger ledger, TimeProvider time, DateTimeOffset? since, string? by, CancellationToken ct) =>
        {
            var from = since ?? new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
            var grouping = by switch
            {
                null or "agent-model" => UsageGrouping.AgentAndModel,
                "agent" => UsageGrouping.Agent,
                "model" => UsageGrouping.Model,
                "day" => UsageGrouping.Day,
                "trigger" => UsageGrouping.Trigger,
                _ => (UsageGrouping?)null,
            };
            if (grouping is null)
            {
                return Results.Json(new ApiError($"unknown grouping '{by}'; use agent, model, day, trigger or agent-model"), ApiJson.Options, statusCode: 400);
            }

            var totals = await ledger.TotalsAsync(from, grouping.Value, ct);
            return Results.Json(new UsageReport(from, totals, totals.Sum(t => t.InputTokens + t.OutputTokens), totals.Sum(t => t.Cost), totals.Sum(t => t.Calls)), ApiJson.Options);
        });
    }

    public static AgentView ToView(AgentDefinition a) => new(a.Name, a.Description, a.Model, a.Fallbacks, a.Tools,
        [.. a.Triggers.Select(t => $"{t.Kind.ToString().ToLowerInvariant()}: {t.Value}")], a.SourcePath);
}
