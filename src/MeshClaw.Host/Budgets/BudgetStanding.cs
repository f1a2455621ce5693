using MeshClaw.Core.Agents;
using MeshClaw.Core.Budgets;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Dashboard.Views;

namespace MeshClaw.Host.Budgets;

/// <summary>Where every day and month budget stands now: all agents together and each agent with a day limit.</summary>
public static class BudgetStanding
{
    public static async Task<IReadOnlyList<BudgetRow>> ReadAsync(ISpendMeter spend, OverallBudget? overall, AgentCatalogSource agents, CancellationToken ct)
    {
        var rows = new List<BudgetRow>();
        void Row(string who, string what, decimal used, decimal? limit, double warnAt)
        {
            if (limit is { } max && max > 0)
            {
                rows.Add(new BudgetRow(who, what, used, max, warnAt));
            }
        }

        if (overall is not null)
        {
            var today = await spend.AllTodayAsync(ct);
            Row("all agents", "tokens per day", today.Tokens, overall.TokensPerDay, overall.WarnAt);
            Row("all agents", "cost per day", today.Cost, overall.CostPerDay, overall.WarnAt);
            Row("all agents", "cost per month", await spend.AllThisMonthAsync(ct), overall.CostPerMonth, overall.WarnAt);
        }

        foreach (var agent in agents.Current().Agents.Where(a => a.Budget.TokensPerDay is not null || a.Budget.CostPerDay is not null))
        {
            var today = await spend.AgentTodayAsync(agent.Name, ct);
            Row(agent.Name, "tokens per day", today.Tokens, agent.Budget.TokensPerDay, overall?.WarnAt ?? 0.8);
            Row(agent.Name, "cost per day", today.Cost, agent.Budget.CostPerDay, overall?.WarnAt ?? 0.8);
        }

        return rows;
    }
}
