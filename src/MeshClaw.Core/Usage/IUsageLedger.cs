namespace MeshClaw.Core.Usage;

/// <summary>The append-only ledger of model calls.</summary>
public interface IUsageLedger
{
    Task RecordAsync(UsageRecord record, CancellationToken cancellationToken);
    Task<IReadOnlyList<UsageTotal>> TotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken);
    /// <summary>Tokens and cost of the calls from <paramref name="since"/> up to (not including) <paramref name="until"/>, of one agent or, when null, of all.</summary>
    /// <summary>The ledger rows of one run's model calls, oldest first.</summary>
    Task<IReadOnlyList<UsageRecord>> CallsAsync(string runId, CancellationToken cancellationToken);
    Task<(long Tokens, decimal Cost)> SpentAsync(string? agent, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}
