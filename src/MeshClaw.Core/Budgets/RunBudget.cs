using MeshClaw.Core.Agents;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Budgets;

/// <summary>
/// A run's budget: its agent's per-run and per-day limits, the overall limits, and for a sub-run its parent's limits
/// too (a sub-agent spends from its parent's budget: its tokens count against the parent's per-run limit). Checked
/// before every model call by <see cref="BudgetChatClient"/>, so no procedure can forget it.
/// </summary>
public sealed class RunBudget(string agent, AgentBudget limits, OverallBudget? overall, ISpendMeter meter, RunBudget? parent = null)
{
    private readonly RunBudget? _parent = parent;
    private readonly Lock _lock = new();
    private RunUsage _own = RunUsage.Zero;
    private RunUsage _tree = RunUsage.Zero;

    /// <summary>What this run's own model calls used (a sub-run's calls are its own run's).</summary>
    public RunUsage Own
    {
        get
        {
            lock (_lock)
            {
                return _own;
            }
        }
    }

    /// <summary>This run and its sub-runs together: what its per-run limit is checked against.</summary>
    public RunUsage Tree
    {
        get
        {
            lock (_lock)
            {
                return _tree;
            }
        }
    }

    /// <summary>Continues from a checkpoint's usage (a run resumed after a restart).</summary>
    public void Restore(RunUsage usage)
    {
        lock (_lock)
        {
            _own = usage;
            _tree = usage;
        }
    }

    public void Charge(UsageDetails? usage)
    {
        var (input, output, cached, reasoning, cost) = (usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, usage?.CachedInputTokenCount ?? 0,
            usage?.ReasoningTokenCount ?? 0, UsageCost.Read(usage));
        lock (_lock)
        {
            _own = _own.Add(input, output, cached, reasoning, cost);
            _tree = _tree.Add(input, output, cached, reasoning, cost);
        }

        _parent?.ChargeTree(input, output, cached, reasoning, cost);
    }

    private void ChargeTree(long input, long output, long cached, long reasoning, decimal cost)
    {
        lock (_lock)
        {
            _tree = _tree.Add(input, output, cached, reasoning, cost);
        }

        _parent?.ChargeTree(input, output, cached, reasoning, cost);
    }

    /// <summary>Throws a budget stop when this run (with its sub-runs), an ancestor, an agent's day, or all agents together are at a limit.</summary>
    public async ValueTask EnsureWithinAsync(CancellationToken cancellationToken)
    {
        for (var budget = this; budget is not null; budget = budget._parent)
        {
            await budget.CheckOwnLimitsAsync(cancellationToken);
        }

        if (overall is null)
        {
            return;
        }

        if (overall.TokensPerDay is not null || overall.CostPerDay is not null)
        {
            var today = await meter.AllTodayAsync(cancellationToken);
            if (overall.TokensPerDay is { } tokens && today.Tokens >= tokens)
            {
                throw Stop($"all agents together used {today.Tokens} tokens today; the overall budget is {tokens} tokens per day");
            }

            if (overall.CostPerDay is { } day && today.Cost >= day)
            {
                throw Stop($"all agents together spent {today.Cost:0.######} today; the overall budget is {day} per day");
            }
        }

        if (overall.CostPerMonth is { } month && await meter.AllThisMonthAsync(cancellationToken) is var spent && spent >= month)
        {
            throw Stop($"all agents together spent {spent:0.######} this month; the overall budget is {month} per month");
        }
    }

    /// <summary>
    /// Refuses a call whose estimated input would take this run (with its sub-runs), an ancestor or the agent's day
    /// past its token limit, before anything is sent: a 5 MB message never costs a million tokens on a small budget.
    /// </summary>
    public async ValueTask EnsureRoomForAsync(long estimatedInput, CancellationToken cancellationToken)
    {
        for (var budget = this; budget is not null; budget = budget._parent)
        {
            await budget.CheckRoomAsync(estimatedInput, cancellationToken);
        }
    }

    private async ValueTask CheckRoomAsync(long estimatedInput, CancellationToken cancellationToken)
    {
        var tree = Tree;
        var whose = _parent is null ? "the run" : $"run of agent '{agent}'";
        if (limits.TokensPerRun is { } tokens && tree.TotalTokens + estimatedInput > tokens)
        {
            throw Stop($"{whose} used {tree.TotalTokens} tokens and its next model call would send about {estimatedInput} more (estimated before sending, so it was not sent); its budget is {tokens} tokens per run");
        }

        if (limits.TokensPerDay is { } dayTokens && await meter.AgentTodayAsync(agent, cancellationToken) is var today && today.Tokens + estimatedInput > dayTokens)
        {
            throw Stop($"agent '{agent}' used {today.Tokens} tokens today and its next model call would send about {estimatedInput} more (estimated before sending, so it was not sent); its budget is {dayTokens} tokens per day");
        }
    }

    private async ValueTask CheckOwnLimitsAsync(CancellationToken cancellationToken)
    {
        var tree = Tree;
        var whose = _parent is null ? "the run" : $"run of agent '{agent}'";
        if (limits.TokensPerRun is { } tokens && tree.TotalTokens >= tokens)
        {
            throw Stop($"{whose} used {tree.TotalTokens} tokens; its budget is {tokens} tokens per run");
        }

        if (limits.CostPerRun is { } cost && tree.Cost >= cost)
        {
            throw Stop($"{whose} cost {tree.Cost:0.######}; its budget is {cost} per run");
        }

        if (limits.TokensPerDay is null && limits.CostPerDay is null)
        {
            return;
        }

        var today = await meter.AgentTodayAsync(agent, cancellationToken);
        if (limits.TokensPerDay is { } dayTokens && today.Tokens >= dayTokens)
        {
            throw Stop($"agent '{agent}' used {today.Tokens} tokens today; its budget is {dayTokens} tokens per day");
        }

        if (limits.CostPerDay is { } dayCost && today.Cost >= dayCost)
        {
            throw Stop($"agent '{agent}' spent {today.Cost:0.######} today; its budget is {dayCost} per day");
        }
    }

    private static RunStopException Stop(string reason) => new(RunStatus.BudgetStopped, reason);
}
