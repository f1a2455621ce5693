using Dapper;
using MeshClaw.Core.Channels;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Channels;

/// <summary>Inbound channel events, one row each: the primary key makes the second delivery a no-op.</summary>
public sealed class SqliteInboundEvents(SqliteDatabase database) : IInboundEvents
{
    public async Task<bool> FirstSeenAsync(string source, string eventId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO inbound_events (source, event_id, at) VALUES (@Source, @EventId, @At) ON CONFLICT(source, event_id) DO NOTHING",
            new { Source = source, EventId = eventId, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return inserted == 1;
    }
}
