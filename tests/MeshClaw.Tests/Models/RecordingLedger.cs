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

    public Task<IReadOnlyList<UsageRecord>> CallsAsync(string runId, CancellationToken cancellationToken)
    {
        lock (Records)
        {
            return Task.FromResult<IReadOnlyList<UsageRecord>>([.. Records.Where(r => r.RunId == runId)]);
        }
    }

    public Task<(long Tokens, decimal Cost)> SpentAsync(string? agent, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (Records)
        {
            var rows = Records.Where(r => (agent is null || r.Agent == agent) && r.At >= since && r.At < until).ToList();
            return Task.FromResult((rows.Sum(r => r.InputTokens + r.OutputTokens), rows.Sum(r => r.Cost)));
        }
    }
}
