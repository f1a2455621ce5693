using MeshClaw.Core.Agents;
using MeshClaw.Core.Home;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Triage;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Gateway;
using MeshClaw.Host.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Health, agents, usage, outcomes and digests: the read-mostly parts of the API.</summary>
public static class InfoEndpoints
{
    /// <summary>The one open route: whether the gateway is up (no data beyond that).</summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", Ok<HealthView> (RunCoordinator coordinator, IPauseSwitch pause, MeshClawHome home) =>
            home.UnwritableReason() is { } failing
                ? TypedResults.Ok(new HealthView("failing", GatewayInfo.Version, coordinator.ActiveCount, pause.IsPaused, home.Id, failing))
                : TypedResults.Ok(new HealthView("ok", GatewayInfo.Version, coordinator.ActiveCount, pause.IsPaused, home.Id))).AllowAnonymous();

    public static void MapInfoEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/agents", Ok<AgentListView> (AgentCatalogSource agents) =>
        {
            var catalog = agents.Current();
            return TypedResults.Ok(new AgentListView(
                [.. catalog.Agents.OrderBy(a => a.Name, StringComparer.Ordinal).Select(ToView)],
                [.. catalog.Errors.Select(e => e.ToString())]));
        });

        api.MapGet("/digest", async Task<Results<Ok<DigestView>, ProblemHttpResult>> (ITriageStore store, string? agent, CancellationToken ct) =>
            await store.LatestDigestAsync(agent ?? "inbox", ct) is { } digest
                ? TypedResults.Ok(new DigestView(agent ?? "inbox", digest))
                : ApiProblems.NotFound($"no digest from agent '{agent ?? "inbox"}' yet"));

        // Newest first, a page at a time: 'before' is the last id of the previous page.
        api.MapGet("/outcomes", async Task<Ok<IEnumerable<OutcomeView>>> (IOutcomes outcomes, TimeProvider time, int? days, long? before, int? limit, CancellationToken ct) =>
            TypedResults.Ok((await outcomes.RecentAsync(time.GetUtcNow().AddDays(-Math.Clamp(days ?? 7, 1, 3650)), Math.Clamp(limit ?? 200, 1, 1000), ct, before)).Select(OutcomeView.From)));
        api.MapPost("/outcomes/{id:long}/feedback", async Task<Results<Ok<FeedbackView>, ProblemHttpResult>> (long id, FeedbackBody body, IOutcomes outcomes, TimeProvider time, CancellationToken ct) =>
            OutcomeVerdicts.Parse(body.Verdict) is not { } verdict
                ? ApiProblems.BadRequest($"verdict is {OutcomeVerdicts.Expected}")
                : await outcomes.FeedbackAsync(id, verdict, time.GetUtcNow(), ct)
                    ? TypedResults.Ok(new FeedbackView(id, verdict.Text()))
                    : ApiProblems.NotFound($"no outcome {id}"));

        api.MapGet("/usage", async Task<Results<Ok<UsageReport>, ProblemHttpResult>> (IUsageLedger ledger, TimeProvider time, DateTimeOffset? since, string? by, CancellationToken ct) =>
        {
            var from = since ?? new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
            if (UsageGroupings.Parse(by) is not { } grouping)
            {
                return ApiProblems.BadRequest($"unknown grouping '{by}'; use {UsageGroupings.Expected}");
            }

            var totals = await ledger.TotalsAsync(from, grouping, ct);
            return TypedResults.Ok(new UsageReport(from, totals, totals.Sum(t => t.InputTokens + t.OutputTokens), totals.Sum(t => t.Cost), totals.Sum(t => t.Calls)));
        });
    }

    public static AgentView ToView(AgentDefinition a) => new(a.Name, a.Description, a.Model, a.Fallbacks, a.Tools,
        [.. a.Triggers.Select(t => $"{t.Kind.ToString().ToLowerInvariant()}: {t.Value}")], a.SourcePath);
}
