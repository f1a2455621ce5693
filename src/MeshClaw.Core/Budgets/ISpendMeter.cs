namespace MeshClaw.Core.Budgets;

/// <summary>
/// What has been spent so far today (UTC) and this month, as of the last recorded model call: the per-day and overall
/// budgets read it before every call, so concurrent runs of one agent see each other's spending at once.
/// </summary>
public interface ISpendMeter
{
    ValueTask<Spend> AgentTodayAsync(string agent, CancellationToken cancellationToken);
    ValueTask<Spend> AllTodayAsync(CancellationToken cancellationToken);
    ValueTask<decimal> AllThisMonthAsync(CancellationToken cancellationToken);
}
