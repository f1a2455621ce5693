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
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO usage (at, provider, model_name, model_id, input_tokens, output_tokens, cached_tokens, reasoning_tokens,
                               estimated, cost_nanos, latency_ms, agent, run_id, trigger, error)
            VALUES (@At, @Provider, @ModelName, @ModelId, @InputTokens, @OutputTokens, @CachedTokens, @ReasoningTokens,
                    @Estimated, @CostNanos, @LatencyMs, @Agent, @RunId, @Trigger, @Error)
            """,
            new
            {
                At = record.At.ToUnixTimeMilliseconds(), record.Provider, record.ModelName, record.ModelId,
                record.InputTokens, record.OutputTokens, record.CachedTokens, record.ReasoningTokens,
                Estimated = record.Estimated ? 1 : 0, CostNanos = Money.ToNanos(record.Cost), record.LatencyMs,
                record.Agent, record.RunId, record.Trigger, record.Error,
            }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<UsageTotal>> TotalsAsync(DateTimeOffset since, UsageGrouping grouping, CancellationToken cancellationToken)
    {
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

    public async Task<(long Tokens, decimal Cost)> SpentAsync(string agent, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long Tokens, long Nanos)>(new CommandDefinition("""
            SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(cost_nanos), 0)
            FROM usage WHERE agent = @Agent AND at >= @Since
            """, new { Agent = agent, Since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return (row.Tokens, Money.FromNanos(row.Nanos));
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
