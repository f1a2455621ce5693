using System.Globalization;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Dreaming;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Access;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Dreaming: start a dream now, read the dream journal, and accept or reject the rules it proposed.</summary>
public static class DreamEndpoints
{
    public const string DreamerName = "dreamer";

    public static void MapDreamEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/dream", async Task<Results<Ok<RunView>, ProblemHttpResult>> (IEnumerable<ISystemProcedure> procedures, RunCoordinator coordinator, IPauseSwitch pause,
            HttpContext http, CancellationToken ct) =>
        {
            if (procedures.FirstOrDefault(p => p.Name == DreamerName) is not { } dreamer)
            {
                return ApiProblems.NotFound("this gateway has no dreamer (the email module is not loaded)");
            }

            if (pause.IsPaused)
            {
                return ApiProblems.Conflict("MeshClaw is paused; resume it to dream");
            }

            return await coordinator.RunSystemAsync(dreamer, CallerOrigin.Actor(http.User, http.Request.Headers.UserAgent.ToString()), ct) is { } run
                ? TypedResults.Ok(RunView.From(run))
                : ApiProblems.Conflict("nothing to dream about: no email account is connected");
        });

        api.MapGet("/dream", async Task<Results<Ok<DreamJournalView>, ProblemHttpResult>> (ILearnedRules rules, ConfigSource config, string? date, CancellationToken ct) =>
        {
            var zone = config.Current().Config.Policy.TimeZone;
            DateOnly day;
            if (date is not null)
            {
                if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
                {
                    return ApiProblems.BadRequest($"date: '{date}' is not a date like 2026-12-06");
                }
            }
            else if (await rules.LatestDreamAsync(ct) is { } latest)
            {
                day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(latest, zone).DateTime);
            }
            else
            {
                return TypedResults.Ok(new DreamJournalView(null, []));
            }

            var start = LocalMidnight(day, zone);
            var lines = await rules.JournalAsync(start, LocalMidnight(day.AddDays(1), zone), ct);
            return TypedResults.Ok(new DreamJournalView(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), [.. lines.Select(DreamLineView.From)]));
        });

        api.MapGet("/learned-rules", async Task<Results<Ok<IEnumerable<LearnedRuleView>>, ProblemHttpResult>> (ILearnedRules rules, string? status, CancellationToken ct) =>
        {
            LearnedRuleStatus? wanted = null;
            if (status is not null)
            {
                if (!Enum.TryParse<LearnedRuleStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                {
                    return ApiProblems.BadRequest($"status: '{status}' is not one of proposed, accepted, rejected, retired");
                }

                wanted = parsed;
            }

            return TypedResults.Ok((await rules.ListAsync(wanted, ct)).Select(LearnedRuleView.From));
        });

        api.MapPost("/learned-rules/{id:long}/accept", (long id, ILearnedRules rules, IAuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct) =>
            DecideAsync(id, true, rules, audit, time, http, ct));
        api.MapPost("/learned-rules/{id:long}/reject", (long id, ILearnedRules rules, IAuditLog audit, TimeProvider time, HttpContext http, CancellationToken ct) =>
            DecideAsync(id, false, rules, audit, time, http, ct));
    }

    /// <summary>Accepts or rejects a proposed rule, with an audit event; a rule no longer proposed is a conflict that says where it stands.</summary>
    public static async Task<Results<Ok<LearnedRuleView>, ProblemHttpResult>> DecideAsync(long id, bool accept, ILearnedRules rules, IAuditLog audit, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(http);
        if (await rules.GetAsync(id, ct) is not { } before)
        {
            return ApiProblems.NotFound($"no learned rule #{id}; see: meshclaw rules list");
        }

        // Only a proposal is decided: accepting twice is no new decision, and a retired or rejected rule stays so.
        if (before.Status != LearnedRuleStatus.Proposed
            || await rules.DecideAsync(id, accept, time.GetUtcNow(), ct) is not { } rule || rule.Status == LearnedRuleStatus.Proposed)
        {
            return ApiProblems.Conflict($"rule #{id} is {before.Status.ToString().ToLowerInvariant()}, not proposed; only a proposed rule can be accepted or rejected");
        }

        await audit.AppendAsync(new AuditEvent(accept ? "rule.accepted" : "rule.rejected", CallerOrigin.Actor(http.User, http.Request.Headers.UserAgent.ToString()), null,
            new { rule = rule.Id, account = rule.Account, match = rule.Match.ToString(), key = rule.Key, category = rule.Category, evidence = rule.Evidence }), CancellationToken.None);
        return TypedResults.Ok(LearnedRuleView.From(rule));
    }

    private static DateTimeOffset LocalMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
