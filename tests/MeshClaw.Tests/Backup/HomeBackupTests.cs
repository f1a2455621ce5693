using Dapper;
using MeshClaw.Core.Home;
using MeshClaw.Host.Backup;
using MeshClaw.Storage.Backup;
using MeshClaw.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests.Backup;

/// <summary>Backups that cannot be made, or not wholly: each one line with what to do, and no half-written archive.</summary>
public sealed class HomeBackupTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "meshclaw-backup-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new();
    private MeshClawHome Home => new(Path.Combine(_root, "home"));

    private Task<HomeBackup.Result> BackupAsync(string output) =>
        HomeBackup.CreateAsync(Home, output, new HomeBackup.Options(WithSecrets: false, WithWorkspaces: true), _time, "test", default);

    [Fact]
    public async Task HomeWithoutADatabase_OrAnArchiveInsideTheHome_OrOverAnExistingFile_IsRefused()
    {
        Home.EnsureCreated();
        var none = await Assert.ThrowsAsync<BackupException>(() => BackupAsync(Path.Combine(_root, "a.zip")));
        await new SqliteDatabase(Home.Database).InitializeAsync(default);
        var inside = await Assert.ThrowsAsync<BackupException>(() => BackupAsync(Path.Combine(Home.Workspaces, "a.zip")));
        await File.WriteAllTextAsync(Path.Combine(_root, "taken.zip"), "mine");
        var taken = await Assert.ThrowsAsync<BackupException>(() => BackupAsync(Path.Combine(_root, "taken.zip")));
        var missingFolder = await Assert.ThrowsAsync<BackupException>(() => BackupAsync(Path.Combine(_root, "no-such-folder", "a.zip")));

        Assert.Contains("has no database", none.Message, StringComparison.Ordinal);
        Assert.Contains("inside the home folder", inside.Message, StringComparison.Ordinal);
        Assert.Contains("never overwrites", taken.Message, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(_root, "taken.zip")));
        Assert.StartsWith("cannot write the backup", missingFolder.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_root, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(Home.Root, ".backup-*"));
    }

    [Fact]
    public async Task DatabaseFromANewerMeshClaw_IsBackedUp_AndSaysItCouldNotBeAudited()
    {
        Home.EnsureCreated();
        var database = new SqliteDatabase(Home.Database);
        await database.InitializeAsync(default);
        await using (var connection = await database.OpenAsync(default))
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@V, 'from the future', 0)", new { V = SqliteSnapshot.NewestSchemaVersion + 1 });
        }

        var output = Path.Combine(_root, "future.zip");
        var refused = await Assert.ThrowsAsync<BackupException>(() => BackupAsync(output));

        Assert.Equal(BackupException.NewerSchema, refused.ExitCode);
        Assert.Contains("was written, but it could not be recorded", refused.Message, StringComparison.Ordinal);
        using var archive = BackupArchive.Open(output);
        Assert.Equal(SqliteSnapshot.NewestSchemaVersion + 1, archive.Manifest.SchemaVersion);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
