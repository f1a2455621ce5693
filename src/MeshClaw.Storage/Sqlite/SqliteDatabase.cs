using MeshClaw.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace MeshClaw.Storage.Sqlite;

/// <summary>
/// The embedded database file. Connections are pooled by Microsoft.Data.Sqlite; each open one gets the
/// per-connection settings. WAL lets the dashboard and CLI read while runs write.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteDatabase(string path, TimeProvider? time = null)
    {
        Path = path;
        _time = time ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Waits this long on a locked database (another writer) before failing.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // SQLite's own busy handler waits in steps of milliseconds for another writer; without it the provider retries in far coarser steps.
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Creates the file if needed, switches it to WAL, and applies pending migrations.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await SchemaMigrator.MigrateAsync(connection, _time, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            // Runs, transcripts and the audit log are private; SQLite gives the -wal and -shm files the same mode.
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
