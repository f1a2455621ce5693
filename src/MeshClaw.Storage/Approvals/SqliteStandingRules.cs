using System.Text.Json;
using Dapper;
using MeshClaw.Core.Policy;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Approvals;

/// <summary>Grants in SQLite; the ones not ended are held in memory by agent and capability, so the gate's lookup costs no I/O.</summary>
public sealed class SqliteStandingRules(SqliteDatabase database) : IStandingRules
{
    private const string Columns = "id, agent, capability, match, created_at, created_by, source_approval, scope, run_id, expires_at, uses, last_used_at, ended_at, end_reason";
    private volatile Dictionary<(string Agent, string Capability), StandingRule[]> _byKey = [];

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM standing_rules WHERE ended_at IS NULL ORDER BY id", cancellationToken: cancellationToken));
        _byKey = rows.Select(r => r.ToRule()).GroupBy(r => (r.Agent, r.Capability)).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public StandingRule? Match(string agent, string capability, JsonElement arguments, GrantContext context) =>
        _byKey.TryGetValue((agent, capability), out var rules) ? rules.FirstOrDefault(r => r.Allows(agent, capability, arguments, context)) : null;

    public IReadOnlyList<StandingRule> All => [.. _byKey.Values.SelectMany(r => r).OrderBy(r => r.Id)];

    public async Task<StandingRule> AddAsync(StandingRule rule, CancellationToken cancellationToken)
    {
        long id;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO standing_rules (agent, capability, match, created_at, created_by, source_approval, scope, run_id, expires_at)
                VALUES (@Agent, @Capability, @Match, @At, @By, @Source, @Scope, @Run, @Expires) RETURNING id
                """,
                new
                {
                    rule.Agent, rule.Capability, Match = rule.Match.GetRawText(), At = rule.CreatedAt.ToUnixTimeMilliseconds(), By = rule.CreatedBy ?? "user",
                    Source = rule.SourceApproval, Scope = rule.Scope.Text(), Run = rule.RunId, Expires = rule.ExpiresAt?.ToUnixTimeMilliseconds(),
                }, cancellationToken: cancellationToken));
        }

        await LoadAsync(cancellationToken);
        return All.Single(r => r.Id == id);
    }

    public async Task<bool> EndAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        int ended;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            ended = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE standing_rules SET ended_at = @At, end_reason = @Reason WHERE id = @Id AND ended_at IS NULL",
                new { Id = id, Reason = reason, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        }

        await LoadAsync(cancellationToken);
        return ended == 1;
    }

    public async Task UsedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE standing_rules SET uses = uses + 1, last_used_at = @At WHERE id = @Id",
            new { Id = id, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<StandingRule>> ListAsync(bool includeEnded, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM standing_rules {(includeEnded ? "" : "WHERE ended_at IS NULL")} ORDER BY id DESC LIMIT 500", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRule())];
    }

    public async Task<StandingRule?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM standing_rules WHERE id = @Id",
            new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToRule();
    }

    private sealed class Row
    {
        public long id { get; set; }
        public string agent { get; set; } = "";
        public string capability { get; set; } = "";
        public string match { get; set; } = "{}";
        public long created_at { get; set; }
        public string created_by { get; set; } = "";
        public string? source_approval { get; set; }
        public string scope { get; set; } = "always";
        public string? run_id { get; set; }
        public long? expires_at { get; set; }
        public long uses { get; set; }
        public long? last_used_at { get; set; }
        public long? ended_at { get; set; }
        public string? end_reason { get; set; }

        public StandingRule ToRule() => new(id, agent, capability, JsonDocument.Parse(match).RootElement.Clone(), DateTimeOffset.FromUnixTimeMilliseconds(created_at))
        {
            Scope = GrantScopes.Parse(scope) ?? GrantScope.Always,
            RunId = run_id,
            ExpiresAt = Time(expires_at),
            CreatedBy = created_by,
            SourceApproval = source_approval,
            Uses = uses,
            LastUsedAt = Time(last_used_at),
            EndedAt = Time(ended_at),
            EndReason = end_reason,
        };

        private static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
    }
}
