namespace MeshClaw.Core.Usage;

/// <summary>The append-only ledger of model calls.</summary>
public interface IUsageLedger
{
    Task RecordAsync(UsageRecord record, CancellationToken cancellationToken);
    Task<IReadOnlyList<UsageTotal>> TotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken);
    /// <summary>Tokens and cost an agent has spent since a moment (for per-day budgets).</summary>
    Task<(long Tokens, decimal Cost)> SpentAsync(string agent, DateTimeOffset since, CancellationToken cancellationToken);
}
