using Dapper;
using MeshClaw.Storage.Migrations;
using MeshClaw.Storage.Sqlite;

namespace MeshClaw.Tests.Storage;

public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task SecondStart_AppliesNothing_AndTheDatabaseIsInWalMode()
    {
        await using var db = await TestMeshClaw.CreateAsync();
        await using var connection = await db.Database.OpenAsync(default);

        Assert.Equal(0, await SchemaMigrator.MigrateAsync(connection, TimeProvider.System, default));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(SchemaMigrations.All.Count, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task DatabaseFromANewerMeshClaw_IsRefusedWithAClearMessage()
    {
        await using var db = await TestMeshClaw.CreateAsync();
        await using (var connection = await db.Database.OpenAsync(default))
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations VALUES (999, 'future', 0)");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new SqliteDatabase(db.Database.Path).InitializeAsync(default));
        Assert.Contains("newer than this MeshClaw knows", error.Message, StringComparison.Ordinal);
    }
}
