using System.Globalization;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Home;
using MeshClaw.Host.Composition;
using MeshClaw.Host.Gateway;
using MeshClaw.Storage.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Host.Backup;

/// <summary>
/// <c>meshclaw restore</c>: checks the whole archive, then, holding the home's lock (so no gateway runs or starts
/// meanwhile), stages it inside the home and switches over through <see cref="RestoreJournal"/>. What the home held is
/// moved to <c>before-restore-TIME/</c> in the home, never deleted. Secrets the archive does not hold stay as they are.
/// </summary>
public static class HomeRestore
{
    /// <param name="Aside">Where what the home held went, or null when it held nothing.</param>
    /// <param name="AuditProblem">Why the restored audit log does not verify with this home's audit key, or null when it does.</param>
    public sealed record Result(BackupManifest Manifest, string? Aside, string? AuditProblem);

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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Directory.Delete(staging, recursive: true);
            throw new BackupException(1, $"the backup cannot be unpacked into {home.Root}: {ex.Message}; nothing was changed", ex);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        var replaced = HomeItems.AlwaysReplaced.Union(manifest.Items).ToList();
        RestoreJournal.Begin(home, new RestoreJournal.Plan(staging, aside, replaced, manifest.Items));
        RestoreJournal.Resume(home);
        var kept = Directory.Exists(aside) ? aside : null;
        var problem = await RecordAsync(home, file, manifest, kept, by, cancellationToken);
        return new Result(manifest, kept, problem);
    }

    /// <summary>
    /// Verifies the restored audit log with this home's audit key, then records the restore in it (opening the store also
    /// applies migrations when the backup is from an older MeshClaw). Returns what verification found, if anything.
    /// </summary>
    private static async Task<string?> RecordAsync(MeshClawHome home, string file, BackupManifest manifest, string? aside, string by, CancellationToken cancellationToken)
    {
        try
        {
            await using var offline = OfflineMeshClaw.Open(home);
            await offline.GetRequiredService<IStoreInitializer>().InitializeAsync(cancellationToken);
            var verification = await offline.GetRequiredService<IAuditReader>().VerifyAsync(null, cancellationToken);
            await offline.GetRequiredService<IAuditLog>().AppendAsync(new AuditEvent("home.restored", by, null, new
            {
                file = Path.GetFullPath(file), manifest.CreatedAt, manifest.HomeId, manifest.SchemaVersion, manifest.WithSecrets, aside, auditIntact = verification.Intact,
            }), cancellationToken);
            return verification.Intact ? null : verification.Problem;
        }
        catch (InvalidOperationException ex)
        {
            throw new BackupException(BackupException.NewerSchema, $"the backup was restored, but its store cannot be opened: {ex.Message}", ex);
        }
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
