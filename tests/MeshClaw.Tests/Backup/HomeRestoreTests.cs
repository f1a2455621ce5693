using System.IO.Compression;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Home;
using MeshClaw.Host.Composition;
using Microsoft.Extensions.DependencyInjection;
using MeshClaw.Host.Backup;
using MeshClaw.Storage.Backup;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests.Backup;

/// <summary>Restore refusals that need no gateway: a newer schema, a path escaping the home, an existing home without --force.</summary>
public sealed class HomeRestoreTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "meshclaw-backup-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private MeshClawHome Home => new(Path.Combine(_root, "home"));
    private MeshClawHome Fresh => new(Path.Combine(_root, "fresh"));
    private string Archive => Path.Combine(_root, "backup.zip");

    public async Task InitializeAsync()
    {
        Home.EnsureCreated();
        await using (var offline = OfflineMeshClaw.Open(Home))
        {
            await offline.GetRequiredService<IStoreInitializer>().InitializeAsync(default);
            // A keyed record, so the log has something only this home's audit key verifies.
            await offline.GetRequiredService<IAuditLog>().AppendAsync(new AuditEvent("gateway.started", "meshclaw", null, new { }), default);
        }

        await File.WriteAllTextAsync(Home.ConfigFile, "{}");
        await HomeBackup.CreateAsync(Home, Archive, new HomeBackup.Options(WithSecrets: false, WithWorkspaces: true), _time, "test", default);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private void EditManifest(Func<BackupManifest, BackupManifest> edit)
    {
        using var zip = ZipFile.Open(Archive, ZipArchiveMode.Update);
        var entry = zip.GetEntry(BackupManifest.EntryName)!;
        BackupManifest manifest;
        using (var reader = new StreamReader(entry.Open()))
        {
            manifest = BackupManifest.FromJson(reader.ReadToEnd())!;
        }

        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(BackupManifest.EntryName).Open());
        writer.Write(edit(manifest).ToJson());
    }

    [Fact]
    public async Task BackupFromANewerSchema_IsRefusedWithBothVersions_AndNothingIsWritten()
    {
        EditManifest(m => m with { SchemaVersion = SqliteSnapshot.NewestSchemaVersion + 1 });

        var refused = await Assert.ThrowsAsync<BackupException>(() => HomeRestore.RestoreAsync(Fresh, Archive, force: false, _time, "test", default));

        Assert.Equal(BackupException.NewerSchema, refused.ExitCode);
        Assert.Contains($"schema version {SqliteSnapshot.NewestSchemaVersion + 1}, newer than this MeshClaw knows ({SqliteSnapshot.NewestSchemaVersion})", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Fresh.Root));
    }

    [Fact]
    public async Task ManifestNamingAPathOutsideTheHome_IsRefused()
    {
        EditManifest(m => m with { Entries = [.. m.Entries, new BackupEntry("agents/../../outside.txt", 1, "00", 420)] });

        var refused = await Assert.ThrowsAsync<BackupException>(() => HomeRestore.RestoreAsync(Fresh, Archive, force: false, _time, "test", default));

        Assert.Contains("agents/../../outside.txt", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Fresh.Root));
    }

    [Fact]
    public async Task RestoreWithoutSecrets_IntoAFreshHome_SaysItsAuditLogCannotBeVerifiedThere_AndMovesNothingAside()
    {
        var result = await HomeRestore.RestoreAsync(Fresh, Archive, force: false, _time, "test", default);

        Assert.Null(result.Aside);
        Assert.NotNull(result.AuditProblem);
        Assert.Equal("{}", await File.ReadAllTextAsync(Fresh.ConfigFile));
        Assert.False(File.Exists(RestoreJournal.MarkerOf(Fresh)));
    }

    [Fact]
    public async Task RestoreOverAnExistingHome_NeedsForce_ThenMovesTheOldHomeAsideByTime()
    {
        var refused = await Assert.ThrowsAsync<BackupException>(() => HomeRestore.RestoreAsync(Home, Archive, force: false, _time, "test", default));
        await File.WriteAllTextAsync(Home.ConfigFile, """{ "edited": "after the backup" }""");

        var result = await HomeRestore.RestoreAsync(Home, Archive, force: true, _time, "test", default);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(Home.Root, "before-restore-20260301-090000"), result.Aside);
        Assert.Equal("{}", await File.ReadAllTextAsync(Home.ConfigFile));
        Assert.Contains("after the backup", await File.ReadAllTextAsync(Path.Combine(result.Aside!, "config.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(result.Aside!, "meshclaw.db")));
        Assert.Empty(Directory.GetDirectories(Home.Root, ".restore-*"));
        // The same home, so the same audit key: the restored log verifies.
        Assert.Null(result.AuditProblem);
    }
}
