using Dapper;
using MeshClaw.Core.Memory;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Memory;

/// <summary>
/// Notes an agent keeps between runs, searchable with FTS5 (BM25). Each carries its trust: a note written by a
/// run that had read untrusted content is itself untrusted, and reading it back taints the reader.
/// </summary>
public sealed class SqliteMemoryStore(SqliteDatabase database) : IMemoryStore
{
    public async Task<long> AddAsync(string agent, string text, string trust, string? sourceRun, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO memories (agent, text, trust, source_run, created_at) VALUES (@Agent, @Text, @Trust, @Source, @At) RETURNING id",
            new { Agent = agent, Text = text, Trust = trust, Source = sourceRun, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<bool> ForgetAsync(string agent, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM memories WHERE id = @Id AND agent = @Agent",
            new { Id = id, Agent = agent }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> ExistsAsync(string agent, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM memories WHERE id = @Id AND agent = @Agent",
            new { Id = id, Agent = agent }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<MemoryNote>> SearchAsync(string agent, string query, int limit, CancellationToken cancellationToken)
    {
        // Each word becomes a quoted FTS5 term, so user text can never be read as query syntax.
        var terms = string.Join(" OR ", query.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = terms.Length == 0
            ? await connection.QueryAsync<MemoryNote>(new CommandDefinition(
                "SELECT id AS Id, text AS Text, trust AS Trust, source_run AS SourceRun FROM memories WHERE agent = @Agent ORDER BY id DESC LIMIT @Limit",
                new { Agent = agent, Limit = limit }, cancellationToken: cancellationToken))
            : await connection.QueryAsync<MemoryNote>(new CommandDefinition("""
                SELECT m.id AS Id, m.text AS Text, m.trust AS Trust, m.source_run AS SourceRun
                FROM memories_fts f JOIN memories m ON m.id = f.rowid
                WHERE memories_fts MATCH @Terms AND m.agent = @Agent ORDER BY bm25(memories_fts) LIMIT @Limit
                """, new { Terms = terms, Agent = agent, Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }
}
