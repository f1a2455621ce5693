using MeshClaw.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace MeshClaw.Storage.Backup;

/// <summary>
/// Copies of the embedded databases for <c>meshclaw backup</c> and checks of a copy before <c>meshclaw restore</c>.
/// The copy is taken with SQLite's online backup API (as before a migration), so a gateway writing at the same time
/// still yields one consistent state, and it is a single self-contained file (rollback journal, no -wal beside it).
/// Connections here are never pooled: a pooled handle would keep the file open while restore moves it.
/// </summary>
public static class SqliteSnapshot
{
    /// <summary>The newest schema version this build knows.</summary>
    public static int NewestSchemaVersion => SchemaMigrations.All[^1].Version;

    public static async Task CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"no database at {source}", source);
        }

        // Read-write without create: a reader of a WAL database needs the -shm file, and the file must already exist.
        await using var from = Open(source, SqliteOpenMode.ReadWrite);
        await from.OpenAsync(cancellationToken);
        await using var to = Open(destination, SqliteOpenMode.ReadWriteCreate);
        await to.OpenAsync(cancellationToken);
        from.BackupDatabase(to);
        await using var mode = to.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode = DELETE;";
        await mode.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The schema version recorded in a database file, or null when it has none (not a MeshClaw database).</summary>
    public static async Task<int?> SchemaVersionOfAsync(string file, CancellationToken cancellationToken)
    {
        await using var connection = Open(file, SqliteOpenMode.ReadOnly);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (await command.ExecuteScalarAsync(cancellationToken) is null)
        {
            return null;
        }

        command.CommandText = "SELECT MAX(version) FROM schema_migrations";
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? (int)version : null;
    }

    /// <summary>SQLite's own quick check of a copy; null when sound, else what it found.</summary>
    public static async Task<string?> ProblemOfAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Open(file, SqliteOpenMode.ReadOnly);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            var answer = (await command.ExecuteScalarAsync(cancellationToken))?.ToString();
            return answer == "ok" ? null : answer ?? "no answer from quick_check";
        }
        catch (SqliteException ex)
        {
            return ex.Message;
        }
    }

    private static SqliteConnection Open(string file, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
}
