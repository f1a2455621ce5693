using Dapper;
using MeshClaw.Core.Usage;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Usage;

/// <summary>The usage ledger in SQLite: one row per model call, never updated.</summary>
public sealed class SqliteUsageLedger(SqliteDatabase database) : IUsageLedger
{
    public async Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The row and the day's rollup change together, so the dashboard's figures always add up to the ledger.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO usage (at, provider, model_name, model_id, input_tokens, output_tokens, cached_tokens, reasoning_tokens,
                               estimated, cost_nanos, latency_ms, agent, run_id, trigger, error)
            VALUES (@At, @Provider, @ModelName, @ModelId, @InputTokens, @OutputTokens, @CachedTokens, @ReasoningTokens,
                    @Estimated, @CostNanos, @LatencyMs, @Agent, @RunId, @Trigger, @Error);
            INSERT INTO usage_daily (day, agent, model_id, trigger_kind, calls, input_tokens, output_tokens, cached_tokens, reasoning_tokens,
                                     cost_nanos, latency_ms, estimated, failed)
            VALUES (strftime('%Y-%m-%d', @At / 1000, 'unixepoch'), COALESCE(@Agent, '(none)'), @ModelId, @TriggerKind, 1, @InputTokens, @OutputTokens,
                    @CachedTokens, @ReasoningTokens, @CostNanos, @LatencyMs, @Estimated, @Error IS NOT NULL)
            ON CONFLICT(day, agent, model_id, trigger_kind) DO UPDATE SET
                calls = calls + 1, input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
                cached_tokens = cached_tokens + excluded.cached_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
                cost_nanos = cost_nanos + excluded.cost_nanos, latency_ms = latency_ms + excluded.latency_ms,
                estimated = estimated + excluded.estimated, failed = failed + excluded.failed;
            """,
            new
            {
                At = record.At.ToUnixTimeMilliseconds(), record.Provider, record.ModelName, record.ModelId,
                record.InputTokens, record.OutputTokens, record.CachedTokens, record.ReasoningTokens,
                Estimated = record.Estimated ? 1 : 0, CostNanos = Money.ToNanos(record.Cost), record.LatencyMs,
                record.Agent, record.RunId, record.Trigger, record.Error,
                TriggerKind = record.Trigger is null ? "(none)" : record.Trigger.Split(':')[0],
            }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageTotal>> TotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken)
    {
        // From a day boundary the daily rollup answers (a few rows per day); from any other moment, the ledger itself.
        if (since.UtcDateTime.TimeOfDay == TimeSpan.Zero)
        {
            return await DailyTotalsAsync(since, grouping, cancellationToken);
        }

        var (keyColumn, agentColumn, modelColumn) = grouping switch
        {
            UsageGrouping.Agent => ("COALESCE(agent, '(none)')", "COALESCE(agent, '(none)')", "'*'"),
            UsageGrouping.Model => ("model_id", "'*'", "model_id"),
            UsageGrouping.Day => ("strftime('%Y-%m-%d', at / 1000, 'unixepoch')", "'*'", "'*'"),
            UsageGrouping.Trigger => ("COALESCE(substr(trigger, 1, CASE WHEN instr(trigger, ':') > 0 THEN instr(trigger, ':') - 1 ELSE length(trigger) END), '(none)')", "'*'", "'*'"),
            _ => ("COALESCE(agent, '(none)') || ' / ' || model_id", "COALESCE(agent, '(none)')", "model_id"),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TotalRow>(new CommandDefinition($"""
            SELECT {keyColumn} AS key, {agentColumn} AS agent, {modelColumn} AS model, COUNT(*) AS calls,
                   SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
                   SUM(cached_tokens) AS cached_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
                   SUM(cost_nanos) AS cost_nanos, AVG(latency_ms) AS latency_ms,
                   SUM(estimated) AS estimated, SUM(error IS NOT NULL) AS failed
            FROM usage WHERE at >= @Since
            GROUP BY 1, 2, 3 ORDER BY {(grouping == UsageGrouping.Day ? "1" : "SUM(input_tokens + output_tokens) DESC, 1")}
            """, new { Since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new UsageTotal(r.key, r.agent, r.model, (int)r.calls, r.input_tokens, r.output_tokens, r.cached_tokens,
            r.reasoning_tokens, Money.FromNanos(r.cost_nanos), r.latency_ms, (int)r.estimated, (int)r.failed))];
    }

    /// <summary>Recomputes the daily rollup from the ledger (after a bulk import, or to repair it).</summary>
    public async Task RebuildDailyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM usage_daily;
            INSERT INTO usage_daily
            SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch'), COALESCE(agent, '(none)'), model_id,
                   COALESCE(substr(trigger, 1, CASE WHEN instr(trigger, ':') > 0 THEN instr(trigger, ':') - 1 ELSE length(trigger) END), '(none)'),
                   COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), SUM(reasoning_tokens), SUM(cost_nanos), SUM(latency_ms),
                   SUM(estimated), SUM(error IS NOT NULL)
            FROM usage GROUP BY 1, 2, 3, 4;
            """, transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<UsageTotal>> DailyTotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken)
    {
        var (keyColumn, agentColumn, modelColumn) = grouping switch
        {
            UsageGrouping.Agent => ("agent", "agent", "'*'"),
            UsageGrouping.Model => ("model_id", "'*'", "model_id"),
            UsageGrouping.Day => ("day", "'*'", "'*'"),
            UsageGrouping.Trigger => ("trigger_kind", "'*'", "'*'"),
            _ => ("agent || ' / ' || model_id", "agent", "model_id"),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TotalRow>(new CommandDefinition($"""
            SELECT {keyColumn} AS key, {agentColumn} AS agent, {modelColumn} AS model, SUM(calls) AS calls,
                   SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cached_tokens) AS cached_tokens,
                   SUM(reasoning_tokens) AS reasoning_tokens, SUM(cost_nanos) AS cost_nanos, SUM(latency_ms) / SUM(calls) AS latency_ms,
                   SUM(estimated) AS estimated, SUM(failed) AS failed
            FROM usage_daily WHERE day >= @Day
            GROUP BY 1, 2, 3 ORDER BY {(grouping == UsageGrouping.Day ? "1" : "SUM(input_tokens + output_tokens) DESC, 1")}
            """, new { Day = since.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new UsageTotal(r.key, r.agent, r.model, (int)r.calls, r.input_tokens, r.output_tokens, r.cached_tokens,
            r.reasoning_tokens, Money.FromNanos(r.cost_nanos), r.latency_ms, (int)r.estimated, (int)r.failed))];
    }

    public async Task<IReadOnlyList<UsageRecord>> CallsAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CallRow>(new CommandDefinition("""
            SELECT at, provider, model_name, model_id, input_tokens, output_tokens, cached_tokens, reasoning_tokens, estimated,
                   cost_nanos, latency_ms, agent, run_id, trigger, error
            FROM usage WHERE run_id = @RunId ORDER BY at, rowid
            """, new { RunId = runId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new UsageRecord
        {
            At = DateTimeOffset.FromUnixTimeMilliseconds(r.at), Provider = r.provider, ModelName = r.model_name, ModelId = r.model_id,
            InputTokens = r.input_tokens, OutputTokens = r.output_tokens, CachedTokens = r.cached_tokens, ReasoningTokens = r.reasoning_tokens,
            Estimated = r.estimated != 0, Cost = Money.FromNanos(r.cost_nanos), LatencyMs = r.latency_ms,
            Agent = r.agent, RunId = r.run_id, Trigger = r.trigger, Error = r.error,
        })];
    }

    public async Task<(long Tokens, decimal Cost)> SpentAsync(string? agent, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Whole days are answered by the daily rollup (a few rows a day); anything else by the ledger's time index.
        var wholeDays = since.UtcDateTime.TimeOfDay == TimeSpan.Zero && until.UtcDateTime.TimeOfDay == TimeSpan.Zero;
        var sql = wholeDays
            ? "SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(cost_nanos), 0) FROM usage_daily WHERE day >= @SinceDay AND day < @UntilDay AND (@Agent IS NULL OR agent = @Agent)"
            : agent is null
                ? "SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(cost_nanos), 0) FROM usage WHERE at >= @Since AND at < @Until"
                : "SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(cost_nanos), 0) FROM usage WHERE agent = @Agent AND at >= @Since AND at < @Until";
        var row = await connection.QuerySingleAsync<(long Tokens, long Nanos)>(new CommandDefinition(sql, new
        {
            Agent = agent, Since = since.ToUnixTimeMilliseconds(), Until = until.ToUnixTimeMilliseconds(),
            SinceDay = Day(since), UntilDay = Day(until),
        }, cancellationToken: cancellationToken));
        return (row.Tokens, Money.FromNanos(row.Nanos));
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class CallRow
    {
        public long at { get; set; }
        public string provider { get; set; } = "";
        public string model_name { get; set; } = "";
        public string model_id { get; set; } = "";
        public long input_tokens { get; set; }
        public long output_tokens { get; set; }
        public long cached_tokens { get; set; }
        public long reasoning_tokens { get; set; }
        public long estimated { get; set; }
        public long cost_nanos { get; set; }
        public double latency_ms { get; set; }
        public string? agent { get; set; }
        public string? run_id { get; set; }
        public string? trigger { get; set; }
        public string? error { get; set; }
    }

    private sealed class TotalRow
    {
        public string key { get; set; } = "";
        public string agent { get; set; } = "";
        public string model { get; set; } = "";
        public long calls { get; set; }
        public long input_tokens { get; set; }
        public long output_tokens { get; set; }
        public long cached_tokens { get; set; }
        public long reasoning_tokens { get; set; }
        public long cost_nanos { get; set; }
        public double latency_ms { get; set; }
        public long estimated { get; set; }
        public long failed { get; set; }
    }
}
