using Dapper;
using MeshClaw.Core.Approvals;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Approvals;

/// <summary>Approvals in SQLite. A decision is written only while the approval is still pending, so an answer counts once.</summary>
public sealed class SqliteApprovalStore(SqliteDatabase database) : IApprovalStore
{
    private const string Columns = "id, run_id, agent, tool, capability, arguments, target, reason, status, created_at, expires_at, decided_at, decided_by, standing_rule_id, note";

    public async Task InsertAsync(Approval approval, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO approvals ({Columns}) VALUES (@Id, @RunId, @Agent, @Tool, @Capability, @Arguments, @Target, @Reason, @Status, @CreatedAt, @ExpiresAt, NULL, NULL, NULL, NULL)
            """,
            new
            {
                approval.Id, approval.RunId, approval.Agent, approval.Tool, approval.Capability, approval.Arguments, approval.Target, approval.Reason,
                Status = approval.Status.ToString(), CreatedAt = approval.CreatedAt.ToUnixTimeMilliseconds(), ExpiresAt = approval.ExpiresAt.ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
    }

    public async Task<bool> DecideAsync(string id, ApprovalStatus status, string decidedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE approvals SET status = @Status, decided_at = @At, decided_by = @By
            WHERE id = @Id AND status = 'Pending'
              AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = approvals.run_id AND r.ended_at IS NOT NULL)
            """, new { Id = id, Status = status.ToString(), At = at.ToUnixTimeMilliseconds(), By = decidedBy },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task SetStandingRuleAsync(string id, long ruleId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE approvals SET standing_rule_id = @Rule WHERE id = @Id",
            new { Id = id, Rule = ruleId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> WithdrawPendingAsync(string runId, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition("""
            UPDATE approvals SET status = 'Withdrawn', decided_at = @At, decided_by = 'meshclaw', note = @Reason
            WHERE run_id = @Run AND status = 'Pending'
            RETURNING id
            """, new { Run = runId, Reason = reason, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken))];
    }

    public async Task<int> WithdrawOrphansAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE approvals SET status = 'Withdrawn', decided_at = @At, decided_by = 'meshclaw',
                note = 'its run is no longer waiting for it (the gateway stopped, or the run ended)'
            WHERE status = 'Pending' AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = approvals.run_id AND r.status = 'WaitingApproval')
            """, new { At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<Approval?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM approvals WHERE id = @Id", new { Id = id }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<Approval>> PendingAsync(CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM approvals WHERE status = 'Pending' ORDER BY created_at", null, cancellationToken);

    public Task<IReadOnlyList<Approval>> RecentAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM approvals ORDER BY created_at DESC LIMIT @Limit", new { Limit = limit }, cancellationToken);

    private async Task<IReadOnlyList<Approval>> QueryAsync(string sql, object? args, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApprovalRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToApproval())];
    }

    private sealed class ApprovalRow
    {
        public string id { get; set; } = "";
        public string run_id { get; set; } = "";
        public string agent { get; set; } = "";
        public string tool { get; set; } = "";
        public string capability { get; set; } = "";
        public string arguments { get; set; } = "";
        public string? target { get; set; }
        public string reason { get; set; } = "";
        public string status { get; set; } = "";
        public long created_at { get; set; }
        public long expires_at { get; set; }
        public long? decided_at { get; set; }
        public string? decided_by { get; set; }
        public long? standing_rule_id { get; set; }
        public string? note { get; set; }

        public Approval ToApproval() => new()
        {
            Id = id, RunId = run_id, Agent = agent, Tool = tool, Capability = capability, Arguments = arguments, Target = target, Reason = reason,
            Status = Enum.Parse<ApprovalStatus>(status), CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(created_at),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expires_at),
            DecidedAt = decided_at is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, DecidedBy = decided_by, StandingRuleId = standing_rule_id, Note = note,
        };
    }
}
