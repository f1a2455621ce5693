using Dapper;
using Microsoft.Extensions.Logging;
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

    [Fact]
    public async Task FailedUpgrade_RestoresTheCopyTakenBeforeIt_AndSaysSo()
    {
        await using var db = await TestMeshClaw.CreateAsync();
        var version = SchemaMigrations.All[^1].Version;
        Migration[] upgrade =
        [
            .. SchemaMigrations.All,
            new(version + 1, "fine", "CREATE TABLE upgrade_one (id INTEGER PRIMARY KEY);"),
            new(version + 2, "broken", "CREATE TABLE upgrade_two (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);"),
        ];
        await using var connection = await db.Database.OpenAsync(default);
        await connection.ExecuteAsync("CREATE TABLE user_data (v TEXT); INSERT INTO user_data VALUES ('precious')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaMigrator.MigrateAsync(connection, upgrade, TimeProvider.System, default));

        Assert.Contains($"schema migration {version + 2} (broken) failed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"restored from the copy taken before the upgrade ({db.Database.Path}.v{version}.bak)", error.Message, StringComparison.Ordinal);
        Assert.Equal(version, await connection.ExecuteScalarAsync<int>("SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('upgrade_one', 'upgrade_two')"));
        Assert.Equal("precious", await connection.ExecuteScalarAsync<string>("SELECT v FROM user_data"));
        Assert.True(File.Exists($"{db.Database.Path}.v{version}.bak"));
    }

    [Fact]
    public async Task GatewayOnADatabaseItCannotOpen_ExitsWithOneClearLine_AndLeavesTheHomeUnlocked()
    {
        var home = new MeshClaw.Core.Home.MeshClawHome(Directory.CreateTempSubdirectory("meshclaw-future").FullName);
        home.EnsureCreated();
        var database = new SqliteDatabase(home.Database);
        await database.InitializeAsync(default);
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations VALUES (999, 'future', 0)");
        }

        var options = new MeshClaw.Host.Gateway.GatewayOptions(home, 0) { Logging = b => b.ClearProviders() };
        var error = await Assert.ThrowsAsync<MeshClaw.Host.Gateway.GatewayStartException>(() => MeshClaw.Host.Gateway.MeshClawGateway.StartAsync(options, default));

        Assert.Equal(5, error.ExitCode);
        Assert.StartsWith("cannot open the store: the database", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer than this MeshClaw knows", error.Message, StringComparison.Ordinal);
        // The lock went with the failed start: a fixed home can start again at once.
        using (File.Open(home.LockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(home.Root, recursive: true);
    }
}
