using MeshClaw.Storage.Runs;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Usage;

namespace MeshClaw.Tests;

/// <summary>A real SQLite database in a temp folder, migrated.</summary>
public sealed class TempDatabase : IDisposable
{
    private TempDatabase(string folder, SqliteDatabase database)
    {
        Folder = folder;
        Database = database;
        Runs = new SqliteRunStore(database);
        Ledger = new SqliteUsageLedger(database);
    }

    public string Folder { get; }
    public SqliteDatabase Database { get; }
    public SqliteRunStore Runs { get; }
    public SqliteUsageLedger Ledger { get; }

    public static async Task<TempDatabase> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("meshclaw-db").FullName;
        var database = new SqliteDatabase(Path.Combine(folder, "meshclaw.db"));
        await database.InitializeAsync(CancellationToken.None);
        return new TempDatabase(folder, database);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
