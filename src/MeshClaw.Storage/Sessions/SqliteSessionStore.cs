using Dapper;
using MeshClaw.Core.Security;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Sessions;

/// <summary>Dashboard sessions in SQLite; an expired session is never returned and is removed when met.</summary>
public sealed class SqliteSessionStore(SqliteDatabase database, TimeProvider time) : ISessionStore
{
    public async Task SetAsync(string key, byte[] ticket, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dashboard_sessions (key, ticket, expires_at, created_at) VALUES (@Key, @Ticket, @Expires, @Now)
            ON CONFLICT(key) DO UPDATE SET ticket = excluded.ticket, expires_at = excluded.expires_at
            """, new { Key = key, Ticket = ticket, Expires = expires?.ToUnixTimeMilliseconds(), Now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(byte[] Ticket, long? Expires)?>(new CommandDefinition(
            "SELECT ticket, expires_at FROM dashboard_sessions WHERE key = @Key", new { Key = key }, cancellationToken: cancellationToken));
        if (row is not { } found)
        {
            return null;
        }

        if (found.Expires is { } expires && expires <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_sessions WHERE key = @Key", new { Key = key }, cancellationToken: cancellationToken));
            return null;
        }

        return found.Ticket;
    }

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_sessions WHERE key = @Key", new { Key = key }, cancellationToken: cancellationToken));
    }

    public async Task<byte[]?> TakeAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_sessions WHERE expires_at <= @Now", new { Now = now }, cancellationToken: cancellationToken));
        // One statement: the row is gone for everyone else the moment it is read.
        return await connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition(
            "DELETE FROM dashboard_sessions WHERE key = @Key AND (expires_at IS NULL OR expires_at > @Now) RETURNING ticket", new { Key = key, Now = now },
            cancellationToken: cancellationToken));
    }

    public async Task<int> RemoveAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_sessions", cancellationToken: cancellationToken));
    }
}
