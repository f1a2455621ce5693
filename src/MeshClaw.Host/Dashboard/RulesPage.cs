using MeshClaw.Core.Audit;
using MeshClaw.Core.Dreaming;
using MeshClaw.Host.Api;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Learned rules on the dashboard: every rule with its evidence, hits and corrections, accept and reject buttons on
/// proposals (the same decision, audited the same way, as <c>meshclaw rules accept|reject</c>), and the latest dream's journal.
/// </summary>
public static class RulesPage
{
    public const string Path = "/rules";

    public static void MapRulesPage(this RouteGroupBuilder pages)
    {
        pages.MapGet(Path, Task<IResult> (HttpContext http, ILearnedRules rules, CancellationToken ct) => PageAsync(http, rules, null, ct));
        pages.MapPost("/rules/{id:long}/accept", (HttpContext http, long id, ILearnedRules rules, IAuditLog audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(http, id, true, rules, audit, time, ct));
        pages.MapPost("/rules/{id:long}/reject", (HttpContext http, long id, ILearnedRules rules, IAuditLog audit, TimeProvider time, CancellationToken ct) =>
            DecideAsync(http, id, false, rules, audit, time, ct));
    }

    private static async Task<IResult> DecideAsync(HttpContext http, long id, bool accept, ILearnedRules rules, IAuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var result = await DreamEndpoints.DecideAsync(id, accept, rules, audit, time, http, ct);
        var notice = result.Result switch
        {
            Ok<LearnedRuleView> ok => $"Rule {ok.Value!.Id} {ok.Value.Status}.",
            ProblemHttpResult problem => problem.ProblemDetails.Detail,
            _ => null,
        };
        return await PageAsync(http, rules, notice, ct);
    }

    private static async Task<IResult> PageAsync(HttpContext http, ILearnedRules rules, string? notice, CancellationToken ct)
    {
        var all = (await rules.ListAsync(null, ct)).OrderBy(r => r.Status == LearnedRuleStatus.Proposed ? 0 : 1).ThenByDescending(r => r.Id).ToList();
        var latest = await rules.LatestDreamAsync(ct) is { } at ? await rules.JournalAsync(at, at.AddMilliseconds(1), ct) : [];
        return await DashboardPage.RenderAsync(http, Slices.Rules.Create(new RulesView(DashboardPage.Csrf(http), all, latest, notice)));
    }
}
