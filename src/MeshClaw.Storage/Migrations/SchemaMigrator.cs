using Dapper;
using Microsoft.Data.Sqlite;

namespace MeshClaw.Storage.Migrations;

/// <summary>
/// Applies pending migrations at start-up, each in its own transaction, and records them. An existing database is
/// first copied with SQLite's online backup to <c>meshclaw.db.v{N}.bak</c> (N its version before the upgrade); if any
/// migration then fails, the copy is put back, so a failed upgrade never leaves a home half-migrated.
/// </summary>
public static class SchemaMigrator
{
    public static Task<int> MigrateAsync(SqliteConnection connection, TimeProvider time, CancellationToken cancellationToken) =>
        MigrateAsync(connection, SchemaMigrations.All, time, cancellationToken);

    public static async Task<int> MigrateAsync(SqliteConnection connection, IReadOnlyList<Migration> migrations, TimeProvider time, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("""
            CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
            """, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
        var newest = migrations[^1].Version;
        if (applied.Count > 0 && applied.Max() > newest)
        {
            throw new InvalidOperationException(
                $"the database {connection.DataSource} has schema version {applied.Max()}, newer than this MeshClaw knows ({newest}); update MeshClaw rather than downgrade");
        }

        var pending = migrations.Where(m => !applied.Contains(m.Version)).ToList();
        if (pending.Count == 0)
        {
            return 0;
        }

        // A new database has nothing to lose; an existing one is copied before the first change.
        var backup = applied.Count > 0 && connection.DataSource is { Length: > 0 } file && file != ":memory:" ? $"{file}.v{applied.Max()}.bak" : null;
        if (backup is not null)
        {
            await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backup, Pooling = false }.ToString());
            await copy.OpenAsync(cancellationToken);
            connection.BackupDatabase(copy);
        }

        var count = 0;
        foreach (var migration in pending)
        {
            try
            {
                await ApplyAsync(connection, migration, time, cancellationToken);
            }
            catch (SqliteException ex)
            {
                if (backup is null)
                {
                    throw new InvalidOperationException($"schema migration {migration.Version} ({migration.Name}) failed: {ex.Message}", ex);
                }

                await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backup, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString()))
                {
                    await copy.OpenAsync(CancellationToken.None);
                    copy.BackupDatabase(connection);
                }

                throw new InvalidOperationException(
                    $"schema migration {migration.Version} ({migration.Name}) failed: {ex.Message}. The database was restored from the copy taken before the upgrade ({backup}), so it is as it was at version {applied.Max()}; nothing was lost", ex);
            }

            count++;
        }

        return count;
    }

    private static async Task ApplyAsync(SqliteConnection connection, Migration migration, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @At)",
            new { migration.Version, migration.Name, At = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
