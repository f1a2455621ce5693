using Dapper;
using MeshClaw.Core.Channels;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Channels;

/// <summary>The outbox on SQLite: notifications by idempotency key, and their deliveries per channel.</summary>
public sealed class SqliteOutbox(SqliteDatabase database) : IOutbox
{
    public async Task<bool> EnqueueAsync(string key, string kind, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbox (key, kind, text, created_at) VALUES (@Key, @Kind, @Text, @At) ON CONFLICT(key) DO NOTHING",
            new { Key = key, Kind = kind, Text = text, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)) == 1;
    }

    public Task<IReadOnlyList<Notification>> RecentAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync("SELECT id, key, kind, text, created_at FROM outbox ORDER BY id DESC LIMIT @Limit", new { Limit = limit }, cancellationToken);

    public Task<IReadOnlyList<Notification>> UndeliveredAsync(string channel, int limit, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT id, key, kind, text, created_at FROM outbox o
            WHERE NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.outbox_id = o.id AND d.channel = @Channel)
            ORDER BY id LIMIT @Limit
            """, new { Channel = channel, Limit = limit }, cancellationToken);

    public async Task MarkDeliveredAsync(long id, string channel, string reference, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbox_deliveries (outbox_id, channel, reference, at) VALUES (@Id, @Channel, @Reference, @At) ON CONFLICT DO NOTHING",
            new { Id = id, Channel = channel, Reference = reference, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<Notification>> QueryAsync(string sql, object args, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(long Id, string Key, string Kind, string Text, long CreatedAt)>(new CommandDefinition(sql, args, cancellationToken: cancellationToken))).ToList();
        var deliveries = rows.Count == 0 ? [] : (await connection.QueryAsync<(long OutboxId, string Channel, string Reference)>(new CommandDefinition(
            "SELECT outbox_id, channel, reference FROM outbox_deliveries WHERE outbox_id IN @Ids", new { Ids = rows.Select(r => r.Id).ToList() },
            cancellationToken: cancellationToken))).ToList();
        return [.. rows.Select(r => new Notification(r.Id, r.Key, r.Kind, r.Text, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
            deliveries.Where(d => d.OutboxId == r.Id).ToDictionary(d => d.Channel, d => d.Reference, StringComparer.Ordinal)))];
    }
}
