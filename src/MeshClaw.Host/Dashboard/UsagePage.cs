using System.Globalization;
using System.Text;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Budgets;
using MeshClaw.Host.Agents;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Insights;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static MeshClaw.Host.Dashboard.Html;

namespace MeshClaw.Host.Dashboard;

/// <summary>The user's own usage and what it bought: tokens and cost by day, agent, model and trigger, per outcome, budgets, exports.</summary>
public static class UsagePage
{
    public static void MapUsagePage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/usage", async (HttpContext http, IUsageLedger ledger, IInsights insights, IOutcomes outcomes, ISpendMeter spend, ConfigSource config, AgentCatalogSource agents, TimeProvider time, string? days, CancellationToken ct) =>
        {
            var since = DashboardPage.Since(days, time);
            var value = await insights.ValueAsync(since, ct);
            var byDay = await ledger.TotalsAsync(since, UsageGrouping.Day, ct);
            var body = new StringBuilder();
            body.Append(CultureInfo.InvariantCulture, $"""
                <form method="get" action="/usage">last <input name="days" size="4" value="{E(days ?? "30")}"> days <button type="submit">Show</button>
                · export <a id="export-csv" href="/usage.csv?days={E(days ?? "30")}">CSV</a> <a href="/usage.json?days={E(days ?? "30")}">JSON</a></form>
                <div class="kpis">
                <div class="card">tokens<br><b id="kpi-tokens">{Number(value.Tokens)}</b></div>
                <div class="card">cost<br><b id="kpi-cost">{Money(value.Cost)}</b></div>
                <div class="card">model calls<br><b>{Number(value.ModelCalls)}</b></div>
                <div class="card">outcomes<br><b>{Number(value.Outcomes)}</b></div>
                <div class="card">cost per outcome<br><b>{(value.CostPerOutcome is { } c ? Money(c) : "–")}</b><br>{(value.TokensPerOutcome is { } t ? Number(t) + " tokens" : "")}</div>
                <div class="card">mail settled by rules<br><b>{(value.RuleShare is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "–")}</b> at zero tokens</div>
                <div class="card">cached input<br><b>{(value.CachedShare is { } s ? s.ToString("P0", CultureInfo.InvariantCulture) : "–")}</b></div>
                </div>
                <h2>Tokens by day</h2>{Bars([.. byDay.Select(d => (d.Key, (double)(d.InputTokens + d.OutputTokens)))], "tokens")}
                <h2>Budgets</h2>{await BudgetsAsync(spend, config.Current().Config.Budgets, agents, ct)}
                """);
            foreach (var (title, grouping) in new[] { ("By agent", UsageGrouping.Agent), ("By model", UsageGrouping.Model), ("By trigger", UsageGrouping.Trigger) })
            {
                body.Append("<h2>").Append(E(title)).Append("</h2>").Append(Totals(await ledger.TotalsAsync(since, grouping, ct)));
            }

            body.Append("<h2>What the tokens bought</h2>").Append(Html.Table(["outcome", "count", "useful", "not useful"],
                value.ByKind.Select(k => (IReadOnlyList<string>)[E(k.Kind), Number(k.Count), Number(k.Useful), Number(k.NotUseful)])));
            body.Append("<h2>Recent outcomes</h2>").Append(Outcomes(await outcomes.RecentAsync(since, 50, ct), DashboardPage.Session(http)));
            return DashboardPage.Render(http, "Usage and value", body.ToString());
        });

        pages.MapGet("/usage.csv", async (IUsageLedger ledger, TimeProvider time, string? days, string? by, CancellationToken ct) =>
        {
            var totals = await ledger.TotalsAsync(DashboardPage.Since(days, time), UsageGroupings.Parse(by) ?? UsageGrouping.AgentAndModel, ct);
            var csv = new StringBuilder("group,agent,model,calls,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost\n");
            foreach (var t in totals)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{Csv.Field(t.Key)},{Csv.Field(t.Agent)},{Csv.Field(t.Model)},{t.Calls},{t.InputTokens},{t.OutputTokens},{t.CachedTokens},{t.ReasoningTokens},{t.Cost}\n");
            }

            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", "meshclaw-usage.csv");
        });

        pages.MapGet("/usage.json", async (IUsageLedger ledger, TimeProvider time, string? days, string? by, CancellationToken ct) =>
            Results.Json(await ledger.TotalsAsync(DashboardPage.Since(days, time), UsageGroupings.Parse(by) ?? UsageGrouping.AgentAndModel, ct), Api.ApiJson.Options));

        pages.MapPost("/outcomes/{id:long}/feedback", async (HttpContext http, long id, IOutcomes outcomes, TimeProvider time, CancellationToken ct) =>
        {
            if (OutcomeVerdicts.Parse((await http.Request.ReadFormAsync(ct))["verdict"].ToString()) is not { } verdict)
            {
                return Results.BadRequest($"verdict is {OutcomeVerdicts.Expected}");
            }

            // Back to the page the form was on, but only ever to a page of this dashboard.
            var back = http.Request.Headers.Referer.ToString();
            var local = Uri.TryCreate(back, UriKind.Absolute, out var url) && url.Authority == http.Request.Host.Value ? url.PathAndQuery : "/usage";
            return await outcomes.FeedbackAsync(id, verdict, time.GetUtcNow(), ct) ? Results.LocalRedirect(local) : Results.NotFound();
        });
    }

    private static string Totals(IReadOnlyList<UsageTotal> totals) => Html.Table(["", "calls", "input", "output", "cached", "cost", "avg latency"],
        totals.Select(t => (IReadOnlyList<string>)
        [
            E(t.Key), Number(t.Calls), Number(t.InputTokens) + (t.EstimatedCalls > 0 ? "~" : ""), Number(t.OutputTokens), Number(t.CachedTokens), Money(t.Cost),
            E(t.AverageLatencyMs.ToString("0", CultureInfo.InvariantCulture)) + " ms",
        ]));

    public static string Outcomes(IReadOnlyList<Outcome> outcomes, DashboardSession session) => Html.Table(["outcome", "agent", "what", "by", "run", "your verdict"],
        outcomes.Select(o => (IReadOnlyList<string>)
        [
            E(o.Kind), E(o.Agent), E(o.Subject) + (o.Detail is null ? "" : $"<br><small>{E(o.Detail.Length > 160 ? o.Detail[..160] + "…" : o.Detail)}</small>"), E(o.Source),
            $"<a href=\"/runs/{E(o.RunId)}\">{E(o.RunId)}</a>",
            o.Feedback is { } f ? E(f) : o.Kind == "draft.created"
                ? Form($"/outcomes/{o.Id}/feedback", session, "Accepted", ("verdict", "accepted")) + " " + Form($"/outcomes/{o.Id}/feedback", session, "Discarded", ("verdict", "discarded"))
                : Form($"/outcomes/{o.Id}/feedback", session, "Useful", ("verdict", "useful")) + " " + Form($"/outcomes/{o.Id}/feedback", session, "Not useful", ("verdict", "not-useful")),
        ]), "outcomes");

    private static async Task<string> BudgetsAsync(ISpendMeter spend, OverallBudget? overall, AgentCatalogSource agents, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string>>();
        if (overall is not null)
        {
            var today = await spend.AllTodayAsync(ct);
            Row(rows, "all agents", "tokens per day", today.Tokens, overall.TokensPerDay, overall.WarnAt);
            Row(rows, "all agents", "cost per day", today.Cost, overall.CostPerDay, overall.WarnAt);
            Row(rows, "all agents", "cost per month", await spend.AllThisMonthAsync(ct), overall.CostPerMonth, overall.WarnAt);
        }

        foreach (var agent in agents.Current().Agents.Where(a => a.Budget.TokensPerDay is not null || a.Budget.CostPerDay is not null))
        {
            var today = await spend.AgentTodayAsync(agent.Name, ct);
            Row(rows, agent.Name, "tokens per day", today.Tokens, agent.Budget.TokensPerDay, overall?.WarnAt ?? 0.8);
            Row(rows, agent.Name, "cost per day", today.Cost, agent.Budget.CostPerDay, overall?.WarnAt ?? 0.8);
        }

        return Html.Table(["who", "limit", "used", "of", "state"], rows, "budgets");
    }

    private static void Row(List<IReadOnlyList<string>> rows, string who, string what, decimal used, decimal? limit, double warnAt)
    {
        if (limit is not { } max || max <= 0)
        {
            return;
        }

        var share = (double)(used / max);
        var state = share >= 1 ? "<b class=\"bad\">stopped: limit reached</b>" : share >= warnAt ? $"<b class=\"warn\">warning: {share:P0}</b>" : $"<span class=\"ok\">{share:P0}</span>";
        rows.Add([E(who), E(what), E(used.ToString("0.####", CultureInfo.InvariantCulture)), E(max.ToString("0.####", CultureInfo.InvariantCulture)), state]);
    }
}
