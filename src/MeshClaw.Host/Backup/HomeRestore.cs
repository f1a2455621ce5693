using System.Globalization;
using MeshClaw.Core.Home;
using MeshClaw.Host.Gateway;
using MeshClaw.Storage.Backup;

namespace MeshClaw.Host.Backup;

/// <summary>
/// <c>meshclaw restore</c>: checks the whole archive, then, holding the home's lock (so no gateway runs or starts
/// meanwhile), stages it inside the home and switches over through <see cref="RestoreJournal"/>. What the home held is
/// moved to <c>before-restore-TIME/</c> in the home, never deleted. Secrets the archive does not hold stay as they are.
/// </summary>
public static class HomeRestore
{
    public sealed record Result(BackupManifest Manifest, string? Aside);

    public static async Task<Result> RestoreAsync(MeshClawHome home, string file, bool force, TimeProvider time, string by, CancellationToken cancellationToken)
    {
        using var archive = BackupArchive.Open(Path.GetFullPath(file));
        var manifest = archive.Manifest;
        if (manifest.SchemaVersion > SqliteSnapshot.NewestSchemaVersion)
        {
            throw new BackupException(BackupException.NewerSchema,
                $"{file} holds a database at schema version {manifest.SchemaVersion}, newer than this MeshClaw knows ({SqliteSnapshot.NewestSchemaVersion}); update MeshClaw to restore it (it was made by {manifest.MeshClawVersion})");
        }

        await archive.VerifyAsync(cancellationToken);

        home.EnsureCreated();
        using var homeLock = HomeLock.TryAcquire(home) ?? throw new BackupException(BackupException.GatewayRunning,
            $"a MeshClaw gateway is running on {home.Root}{HomeLock.Describe(home)}; stop it first (Ctrl-C where it runs), then restore");
        RestoreJournal.Resume(home);
        if (File.Exists(home.Database) && !force)
        {
            throw new BackupException(2,
                $"{home.Root} already holds MeshClaw data; restoring moves it aside into {home.Root}/before-restore-<time>/ (nothing is deleted): run again with --force to go ahead");
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var staging = Unused(Path.Combine(home.Root, ".restore-" + stamp));
        var aside = Unused(Path.Combine(home.Root, "before-restore-" + stamp));
        Directory.CreateDirectory(staging);
        try
        {
            await archive.ExtractAsync(staging, cancellationToken);
            await CheckDatabaseAsync(Path.Combine(staging, HomeItems.Database), manifest, file, cancellationToken);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        var replaced = HomeItems.AlwaysReplaced.Union(manifest.Items).ToList();
        var hadAnything = replaced.Any(n => File.Exists(Path.Combine(home.Root, n)) || Directory.Exists(Path.Combine(home.Root, n)));
        RestoreJournal.Begin(home, new RestoreJournal.Plan(staging, aside, replaced, manifest.Items));
        RestoreJournal.Resume(home);

        // Recorded in the restored log (opening it also applies migrations when the backup is from an older MeshClaw).
        try
        {
            await HomeBackup.AuditAsync(home, by, new { file = Path.GetFullPath(file), manifest.CreatedAt, manifest.HomeId, manifest.SchemaVersion, manifest.WithSecrets, aside = hadAnything ? aside : null },
                cancellationToken, "home.restored");
        }
        catch (InvalidOperationException ex)
        {
            throw new BackupException(BackupException.NewerSchema, $"the backup was restored, but its store cannot be opened: {ex.Message}", ex);
        }

        return new Result(manifest, hadAnything ? aside : null);
    }

    private static async Task CheckDatabaseAsync(string database, BackupManifest manifest, string file, CancellationToken cancellationToken)
    {
        if (await SqliteSnapshot.ProblemOfAsync(database, cancellationToken) is { } problem)
        {
            throw new BackupException(1, $"the database in {file} is damaged ({problem}); nothing was changed");
        }

        var version = await SqliteSnapshot.SchemaVersionOfAsync(database, cancellationToken);
        if (version != manifest.SchemaVersion)
        {
            throw new BackupException(1, $"the database in {file} is at schema version {version?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {manifest.SchemaVersion} as its manifest says; nothing was changed");
        }
    }

    private static string Unused(string path)
    {
        var candidate = path;
        for (var n = 1; Directory.Exists(candidate) || File.Exists(candidate); n++)
        {
            candidate = $"{path}-{n}";
        }

        return candidate;
    }
}
