using Dapper;
using MeshClaw.Core.Runs;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Runs;

/// <summary>Runs, their transcripts and tool calls in SQLite.</summary>
public sealed class SqliteRunStore(SqliteDatabase database, TimeProvider time) : IRunStore
{
    private const string Columns = """
        id, agent, trigger_kind, trigger_detail, session, input, status, status_reason, answer,
        input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_nanos, model_calls, started_at, ended_at, taint
        """;

    public async Task CreateAsync(RunRecord run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO runs (id, agent, trigger_kind, trigger_detail, session, input, status, started_at)
            VALUES (@Id, @Agent, @TriggerKind, @TriggerDetail, @Session, @Input, @Status, @StartedAt)
            """,
            new
            {
                Id = run.Id.Value,
                run.Agent,
                TriggerKind = run.Trigger.Kind.Text(),
                TriggerDetail = run.Trigger.Detail,
                run.Session,
                run.Input,
                Status = run.Status.ToString(),
                StartedAt = run.StartedAt.ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
    }

    public async Task AppendTranscriptAsync(RunId run, TranscriptEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO run_transcript (run_id, seq, role, content, at) VALUES (@Run, @Seq, @Role, @Content, @At)",
            new { Run = run.Value, entry.Seq, entry.Role, entry.Content, At = entry.At.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task RecordToolCallAsync(RunId run, ToolCallRecord call, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO run_tool_calls (run_id, seq, call_id, tool, arguments, outcome, result, duration_ms, at)
            VALUES (@Run, @Seq, @CallId, @Tool, @ArgumentsJson, @Outcome, @Result, @DurationMs, @At)
            """,
            new
            {
                Run = run.Value, call.Seq, call.CallId, call.Tool, call.ArgumentsJson, Outcome = call.Outcome.ToString(),
                call.Result, call.DurationMs, At = call.At.ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
    }

    public async Task CompleteAsync(RunId run, RunStatus status, string? reason, string? answer, RunUsage usage, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE runs SET status = @Status, status_reason = @Reason, answer = @Answer,
                input_tokens = @InputTokens, output_tokens = @OutputTokens, cached_tokens = @CachedTokens,
                reasoning_tokens = @ReasoningTokens, cost_nanos = @CostNanos, model_calls = @ModelCalls, ended_at = @EndedAt
            WHERE id = @Id
            """,
            new
            {
                Id = run.Value, Status = status.ToString(), Reason = reason, Answer = answer,
                usage.InputTokens, usage.OutputTokens, usage.CachedTokens, usage.ReasoningTokens,
                CostNanos = Money.ToNanos(usage.Cost), usage.ModelCalls, EndedAt = endedAt.ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
    }

    public async Task<RunDetail?> GetAsync(RunId run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {Columns} FROM runs WHERE id = @Id", new { Id = run.Value }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var transcript = await connection.QueryAsync<TranscriptRow>(new CommandDefinition(
            "SELECT seq, role, content, at FROM run_transcript WHERE run_id = @Id ORDER BY seq", new { Id = run.Value }, cancellationToken: cancellationToken));
        var calls = await connection.QueryAsync<ToolCallRow>(new CommandDefinition(
            "SELECT seq, call_id, tool, arguments, outcome, result, duration_ms, at FROM run_tool_calls WHERE run_id = @Id ORDER BY seq",
            new { Id = run.Value }, cancellationToken: cancellationToken));
        return new RunDetail(row.ToRecord(), [.. transcript.Select(t => t.ToEntry())], [.. calls.Select(c => c.ToRecord())]);
    }

    public async Task<IReadOnlyList<RunRecord>> ListAsync(int limit, string? agent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = agent is null
            ? $"SELECT {Columns} FROM runs ORDER BY started_at DESC, id DESC LIMIT @Limit"
            : $"SELECT {Columns} FROM runs WHERE agent = @Agent ORDER BY started_at DESC, id DESC LIMIT @Limit";
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(sql, new { Limit = limit, Agent = agent }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyList<RunRecord>> SessionHistoryAsync(string session, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition($"""
            SELECT * FROM (
                SELECT {Columns} FROM runs WHERE session = @Session AND status NOT IN ('Running', 'WaitingApproval')
                ORDER BY started_at DESC, id DESC LIMIT @Limit)
            ORDER BY started_at, id
            """, new { Session = session, Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<int> MarkInterruptedAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE runs SET status = 'Interrupted', ended_at = @At,
                status_reason = 'the gateway stopped while this run was going; it was not resumed'
            WHERE status = 'Running'
            """, new { At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task SetStatusAsync(RunId run, RunStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE runs SET status = @Status WHERE id = @Id",
            new { Id = run.Value, Status = status.ToString() }, cancellationToken: cancellationToken));
    }

    public async Task SetTaintAsync(RunId run, IReadOnlyList<string> taint, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE runs SET taint = @Taint WHERE id = @Id",
            new { Id = run.Value, Taint = taint.Count == 0 ? null : string.Join('\n', taint) }, cancellationToken: cancellationToken));
    }

    public async Task SaveCheckpointAsync(RunId run, string checkpointJson, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO run_checkpoints (run_id, data, at) VALUES (@Id, @Data, @At) ON CONFLICT(run_id) DO UPDATE SET data = excluded.data, at = excluded.at",
            new { Id = run.Value, Data = checkpointJson, At = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<string?> LoadCheckpointAsync(RunId run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT data FROM run_checkpoints WHERE run_id = @Id", new { Id = run.Value }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<RunRecord>> ParkedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {Columns} FROM runs WHERE status = 'WaitingApproval' ORDER BY started_at", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }
}
