using System.Text.Json;
using Dapper;
using MeshClaw.Core.Policy;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Approvals;

/// <summary>Standing rules in SQLite, held in memory by agent and capability so the gate's lookup costs no I/O.</summary>
public sealed class SqliteStandingRules(SqliteDatabase database) : IStandingRules
{
    private volatile Dictionary<(string Agent, string Capability), StandingRule[]> _byKey = [];

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string Agent, string Capability, string Match, long CreatedAt)>(new CommandDefinition(
            "SELECT id, agent, capability, match, created_at FROM standing_rules ORDER BY id", cancellationToken: cancellationToken));
        _byKey = rows
            .Select(r => new StandingRule(r.Id, r.Agent, r.Capability, JsonDocument.Parse(r.Match).RootElement.Clone(), DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt)))
            .GroupBy(r => (r.Agent, r.Capability))
            .ToDictionary(g => g.Key, g => g.ToArray());
    }

    public StandingRule? Match(string agent, string capability, JsonElement arguments) =>
        _byKey.TryGetValue((agent, capability), out var rules) ? rules.FirstOrDefault(r => r.Matches(agent, capability, arguments)) : null;

    public IReadOnlyList<StandingRule> All => [.. _byKey.Values.SelectMany(r => r).OrderBy(r => r.Id)];

    public async Task<StandingRule> AddAsync(string agent, string capability, JsonElement match, string createdBy, string? sourceApproval, DateTimeOffset at, CancellationToken cancellationToken)
    {
        long id;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO standing_rules (agent, capability, match, created_at, created_by, source_approval) VALUES (@Agent, @Capability, @Match, @At, @By, @Source) RETURNING id",
                new { Agent = agent, Capability = capability, Match = match.GetRawText(), At = at.ToUnixTimeMilliseconds(), By = createdBy, Source = sourceApproval },
                cancellationToken: cancellationToken));
        }

        await LoadAsync(cancellationToken);
        return All.Single(r => r.Id == id);
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        int removed;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            removed = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM standing_rules WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        }

        await LoadAsync(cancellationToken);
        return removed == 1;
    }
}
