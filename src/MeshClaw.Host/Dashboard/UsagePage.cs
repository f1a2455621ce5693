using System.Globalization;
using System.Text;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Budgets;
using MeshClaw.Host.Agents;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Configuration;
using MeshClaw.Core.Insights;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// The user's own usage and what it bought: tokens and cost by day, agent, model and trigger, per outcome, asks per useful
/// run, triage accuracy by kind of verdict, budgets, exports.
/// </summary>
public static class UsagePage
{
    public static void MapUsagePage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/usage", async Task<IResult> (HttpContext http, IUsageLedger ledger, IInsights insights, IOutcomes outcomes, ISpendMeter spend, ConfigSource config, Core.Triage.ITriageStore triage,
            AgentCatalogSource agents, TimeProvider time, string? days, CancellationToken ct) =>
        {
            var since = DashboardPage.Since(days, time);
            var byDay = await ledger.TotalsAsync(since, UsageGrouping.Day, ct);
            var groupings = new List<(string, IReadOnlyList<UsageTotal>)>();
            foreach (var (title, grouping) in new[] { ("By agent", UsageGrouping.Agent), ("By model", UsageGrouping.Model), ("By trigger", UsageGrouping.Trigger) })
            {
                groupings.Add((title, await ledger.TotalsAsync(since, grouping, ct)));
            }

            var models = config.Current().Config.Models;
            var cacheHints = PromptCacheHints.Find(await ledger.TotalsAsync(since, UsageGrouping.AgentAndModel, ct),
                name => models.TryGetValue(name, out var model) && model.Kind == MeshClaw.Models.Config.ModelKind.Anthropic);
            return await DashboardPage.RenderAsync(http, Usage.Create(new UsageView(
                DashboardPage.Csrf(http), DashboardPage.Days(days).ToString(CultureInfo.InvariantCulture), await insights.ValueAsync(since, ct),
                Chart.Bars([.. byDay.Select(d => (d.Key, (double)(d.InputTokens + d.OutputTokens)))], "tokens", v => Format.Compact(v)),
                Chart.Bars([.. byDay.Select(d => (d.Key, (double)d.Cost))], "cost", v => Format.Money((decimal)v)),
                await Budgets.BudgetStanding.ReadAsync(spend, config.Current().Config.Budgets, agents, ct), groupings, await outcomes.RecentAsync(since, 50, ct),
                await insights.AsksAsync(since, ct), await triage.AccuracyAsync(since, ct), cacheHints)));
        });

        pages.MapGet("/usage.csv", async Task<IResult> (IUsageLedger ledger, TimeProvider time, string? days, string? by, CancellationToken ct) =>
        {
            var totals = await ledger.TotalsAsync(DashboardPage.Since(days, time), UsageGroupings.Parse(by) ?? UsageGrouping.AgentAndModel, ct);
            var csv = new StringBuilder("group,agent,model,calls,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost\n");
            foreach (var t in totals)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{Csv.Field(t.Key)},{Csv.Field(t.Agent)},{Csv.Field(t.Model)},{t.Calls},{t.InputTokens},{t.OutputTokens},{t.CachedTokens},{t.ReasoningTokens},{t.Cost}\n");
            }

            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", "meshclaw-usage.csv");
        });

        pages.MapGet("/usage.json", async Task<IResult> (IUsageLedger ledger, TimeProvider time, string? days, string? by, CancellationToken ct) =>
            Results.Json(await ledger.TotalsAsync(DashboardPage.Since(days, time), UsageGroupings.Parse(by) ?? UsageGrouping.AgentAndModel, ct), Api.ApiJson.Options));

        pages.MapPost("/outcomes/{id:long}/feedback", async Task<IResult> (HttpContext http, long id, IOutcomes outcomes, TimeProvider time, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            if (OutcomeVerdicts.Parse(form["verdict"].ToString()) is not { } verdict)
            {
                return Results.BadRequest($"verdict is {OutcomeVerdicts.Expected}");
            }

            // Back to the page the form was on, named by the form itself (the gateway sends no Referer: its policy is
            // no-referrer), but only ever to a page of this dashboard.
            return await outcomes.FeedbackAsync(id, verdict, time.GetUtcNow(), ct) ? Results.LocalRedirect(DashboardPage.LocalPath(form["back"], "/usage")) : Results.NotFound();
        });
    }
}
