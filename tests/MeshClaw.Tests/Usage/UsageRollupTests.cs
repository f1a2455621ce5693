using MeshClaw.Core.Usage;

namespace MeshClaw.Tests.Usage;

public sealed class UsageRollupTests
{
    [Fact]
    public async Task DailyRollup_AddsUpToTheLedger_ForEveryGrouping()
    {
        await using var db = await TestMeshClaw.CreateAsync();
        var today = new DateTimeOffset(db.Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        foreach (var (agent, model, trigger, input, error) in new[]
        {
            ("inbox", "gpt-4o", "schedule:cron 0 6 * * *", 100L, (string?)null), ("inbox", "gpt-4o", "event:email.received", 50L, null),
            ("helper", "llama3.1", "cli", 10L, null), ("helper", "llama3.1", "cli", 0L, "HTTP 500"),
        })
        {
            await db.Ledger.RecordAsync(new UsageRecord
            {
                At = today.AddHours(1), Provider = "p", ModelName = model, ModelId = model, InputTokens = input, OutputTokens = 5, Cost = 0.001m,
                Agent = agent, Trigger = trigger, Error = error, LatencyMs = 10,
            }, default);
        }

        foreach (var grouping in Enum.GetValues<UsageGrouping>())
        {
            var rollup = await db.Ledger.TotalsAsync(today, grouping, default);
            var raw = await db.Ledger.TotalsAsync(today.AddMilliseconds(1), grouping, default);

            Assert.Equal(raw.Select(t => (t.Key, t.Calls, t.InputTokens, t.OutputTokens, t.Cost, t.FailedCalls)).Order(),
                rollup.Select(t => (t.Key, t.Calls, t.InputTokens, t.OutputTokens, t.Cost, t.FailedCalls)).Order());
        }

        Assert.Equal(["cli", "event", "schedule"], (await db.Ledger.TotalsAsync(today, UsageGrouping.Trigger, default)).Select(t => t.Key).Order());
    }
}
