using MeshClaw.Core.Usage;

namespace MeshClaw.Tests.Models;

/// <summary>An in-memory ledger that keeps what the metering layer wrote.</summary>
public sealed class RecordingLedger : IUsageLedger
{
    public List<UsageRecord> Records { get; } = [];

    public Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        lock (Records)
        {
            Records.Add(record);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UsageTotal>> TotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken) =>
        throw new NotSupportedException("not needed by these tests");

    public Task<(long Tokens, decimal Cost)> SpentAsync(string agent, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult((0L, 0m));
}
