using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Loop;

/// <summary>Checks a run's spending against its agent's per-run and per-day limits.</summary>
public static class RunBudget
{
    /// <summary>Throws a budget stop when the run, or the agent's day including this run, is over a limit.</summary>
    public static void Enforce(AgentBudget budget, RunUsage usage, (long Tokens, decimal Cost) spentToday)
    {
        if (budget.TokensPerRun is { } tokens && usage.TotalTokens >= tokens)
        {
            throw Stop($"the run used {usage.TotalTokens} tokens; its budget is {tokens} tokens per run");
        }

        if (budget.CostPerRun is { } cost && usage.Cost >= cost)
        {
            throw Stop($"the run cost {usage.Cost:0.######}; its budget is {cost} per run");
        }

        if (budget.TokensPerDay is { } dayTokens && spentToday.Tokens + usage.TotalTokens >= dayTokens)
        {
            throw Stop($"the agent used {spentToday.Tokens + usage.TotalTokens} tokens today; its budget is {dayTokens} tokens per day");
        }

        if (budget.CostPerDay is { } dayCost && spentToday.Cost + usage.Cost >= dayCost)
        {
            throw Stop($"the agent spent {spentToday.Cost + usage.Cost:0.######} today; its budget is {dayCost} per day");
        }
    }

    /// <summary>The agent's limits and the overall ones (all agents together), for a run in flight.</summary>
    public static void EnforceAll(AgentRunRequest request, RunUsage usage)
    {
        Enforce(request.Agent.Budget, usage, request.SpentToday);
        if (request.Overall is not { } overall)
        {
            return;
        }

        var (tokensToday, costToday) = request.OverallSpentToday;
        if (overall.TokensPerDay is { } tokens && tokensToday + usage.TotalTokens >= tokens)
        {
            throw Stop($"all agents together used {tokensToday + usage.TotalTokens} tokens today; the overall budget is {tokens} tokens per day");
        }

        if (overall.CostPerDay is { } day && costToday + usage.Cost >= day)
        {
            throw Stop($"all agents together spent {costToday + usage.Cost:0.######} today; the overall budget is {day} per day");
        }

        if (overall.CostPerMonth is { } month && request.OverallSpentMonth + usage.Cost >= month)
        {
            throw Stop($"all agents together spent {request.OverallSpentMonth + usage.Cost:0.######} this month; the overall budget is {month} per month");
        }
    }

    private static RunStopException Stop(string reason) => new(RunStatus.BudgetStopped, reason);
}
