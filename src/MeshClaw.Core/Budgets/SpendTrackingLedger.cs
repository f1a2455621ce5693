using System.Collections.Concurrent;
using MeshClaw.Core.Usage;

namespace MeshClaw.Core.Budgets;

/// <summary>
/// The ledger with a running total beside it: every call recorded through it is added to today's figures in memory,
/// and what was spent earlier today (before this process started) is read from the ledger once per day. So the
/// budgets see every call at once, at no I/O per check. The totals are correct for the one process that writes the
/// ledger; a cluster needs its own <see cref="ISpendMeter"/> that reads the shared ledger.
/// </summary>
public sealed class SpendTrackingLedger(IUsageLedger inner, TimeProvider time) : IUsageLedger, ISpendMeter
{
    private const string All = "\u0000all";
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly ConcurrentDictionary<(DateOnly Day, string Who), Lazy<Task<Spend>>> _before = new();
    private readonly ConcurrentDictionary<(DateOnly Day, string Who), SpendCounter> _since = new();
    private readonly ConcurrentDictionary<DateOnly, Lazy<Task<decimal>>> _monthBefore = new();

    public async Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        await inner.RecordAsync(record, cancellationToken);
        var day = DateOnly.FromDateTime(record.At.UtcDateTime);
        var spend = new Spend(record.InputTokens + record.OutputTokens, record.Cost);
        _since.GetOrAdd((day, All), _ => new SpendCounter()).Add(spend);
        if (record.Agent is { } agent)
        {
            _since.GetOrAdd((day, agent), _ => new SpendCounter()).Add(spend);
        }
    }

    public Task<IReadOnlyList<UsageTotal>> TotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken) =>
        inner.TotalsAsync(since, grouping, cancellationToken);

    public Task<IReadOnlyList<UsageRecord>> CallsAsync(string runId, CancellationToken cancellationToken) => inner.CallsAsync(runId, cancellationToken);

    public Task<(long Tokens, decimal Cost)> SpentAsync(string? agent, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        inner.SpentAsync(agent, since, until, cancellationToken);

    public ValueTask<Spend> AgentTodayAsync(string agent, CancellationToken cancellationToken) => TodayAsync(agent, cancellationToken);

    public ValueTask<Spend> AllTodayAsync(CancellationToken cancellationToken) => TodayAsync(All, cancellationToken);

    public async ValueTask<decimal> AllThisMonthAsync(CancellationToken cancellationToken)
    {
        var today = Today();
        var earlierDays = await _monthBefore.GetOrAdd(today, day => new Lazy<Task<decimal>>(async () =>
        {
            var dayStart = Start(day);
            var monthStart = new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero);
            return (await inner.SpentAsync(null, monthStart, dayStart, CancellationToken.None)).Cost;
        })).Value;
        return earlierDays + (await AllTodayAsync(cancellationToken)).Cost;
    }

    private async ValueTask<Spend> TodayAsync(string who, CancellationToken cancellationToken)
    {
        var today = Today();
        var before = await _before.GetOrAdd((today, who), key => new Lazy<Task<Spend>>(async () =>
        {
            // Only the calls before this process started: the ones after it are counted as they are recorded.
            var until = _started > Start(key.Day) ? _started : Start(key.Day);
            var (tokens, cost) = await inner.SpentAsync(key.Who == All ? null : key.Who, Start(key.Day), until, CancellationToken.None);
            return new Spend(tokens, cost);
        })).Value.WaitAsync(cancellationToken);
        return before + (_since.TryGetValue((today, who), out var counter) ? counter.Value : default);
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private sealed class SpendCounter
    {
        private readonly Lock _lock = new();
        private Spend _value;

        public Spend Value
        {
            get
            {
                lock (_lock)
                {
                    return _value;
                }
            }
        }

        public void Add(Spend spend)
        {
            lock (_lock)
            {
                _value += spend;
            }
        }
    }
}
