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

    public async Task<Notification?> FindAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT id, key, kind, text, created_at FROM outbox WHERE key = @Key", new { Key = key }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<Notification>> UndeliveredAsync(string channel, int limit, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT id, key, kind, text, created_at FROM outbox o
            WHERE NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.outbox_id = o.id AND d.channel = @Channel)
              AND NOT EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.outbox_id = o.id AND a.channel = @Channel AND a.failed = 1)
            ORDER BY id LIMIT @Limit
            """, new { Channel = channel, Limit = limit }, cancellationToken);

    public async Task<DeliveryAttempt?> AttemptAsync(long id, string channel, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(long Attempts, long StartedAt, long InDoubt, string? LastError, long Failed)?>(new CommandDefinition(
            "SELECT attempts, started_at, in_doubt, last_error, failed FROM outbox_attempts WHERE outbox_id = @Id AND channel = @Channel",
            new { Id = id, Channel = channel }, cancellationToken: cancellationToken));
        return row is { } r ? new DeliveryAttempt((int)r.Attempts, DateTimeOffset.FromUnixTimeMilliseconds(r.StartedAt), r.InDoubt == 1, r.LastError, r.Failed == 1) : null;
    }

    public async Task BeginAttemptAsync(long id, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO outbox_attempts (outbox_id, channel, attempts, started_at, in_doubt) VALUES (@Id, @Channel, 1, @At, 1)
            ON CONFLICT (outbox_id, channel) DO UPDATE SET attempts = attempts + 1, started_at = @At, in_doubt = 1
            """, new { Id = id, Channel = channel, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task AttemptFailedAsync(long id, string channel, string error, bool failed, bool inDoubt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox_attempts SET last_error = @Error, failed = @Failed, in_doubt = @InDoubt WHERE outbox_id = @Id AND channel = @Channel",
            new { Id = id, Channel = channel, Error = error, Failed = failed ? 1 : 0, InDoubt = inDoubt ? 1 : 0 }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<FailedDelivery>> FailedAsync(string channel, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string Key, string Kind, string? Error, long Attempts, long At)>(new CommandDefinition("""
            SELECT o.id, o.key, o.kind, a.last_error, a.attempts, a.started_at FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
            WHERE a.channel = @Channel AND a.failed = 1 ORDER BY o.id DESC LIMIT @Limit
            """, new { Channel = channel, Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new FailedDelivery(r.Id, r.Key, r.Kind, r.Error ?? "unknown", (int)r.Attempts, DateTimeOffset.FromUnixTimeMilliseconds(r.At)))];
    }

    public async Task MarkDeliveredAsync(long id, string channel, string reference, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbox_deliveries (outbox_id, channel, reference, at) VALUES (@Id, @Channel, @Reference, @At) ON CONFLICT DO NOTHING",
            new { Id = id, Channel = channel, Reference = reference, At = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("UPDATE outbox_attempts SET in_doubt = 0, failed = 0 WHERE outbox_id = @Id AND channel = @Channel",
            new { Id = id, Channel = channel }, cancellationToken: cancellationToken));
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
