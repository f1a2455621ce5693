using Dapper;
using MeshClaw.Core.Settings;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Storage.Settings;

/// <summary>Small durable switches (the pause flag) that must survive a restart.</summary>
public sealed class SqliteSettings(SqliteDatabase database) : ISettingsStore
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT value FROM settings WHERE key = @Key", new { Key = key }, cancellationToken: cancellationToken));
    }

    public async Task SetAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (key, value) VALUES (@Key, @Value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            new { Key = key, Value = value }, cancellationToken: cancellationToken));
    }
}
