using System.IO.Compression;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Home;
using MeshClaw.Host.Composition;
using MeshClaw.Host.Gateway;
using MeshClaw.Storage.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Host.Backup;

/// <summary>
/// <c>meshclaw backup</c>: one zip of the home, safe to take while the gateway runs. The databases are copied with
/// SQLite's online backup (one consistent state each), the rest is read as it is; the archive is written to a
/// <c>.partial</c> file and renamed when complete, so a backup cut short never looks like a finished one.
/// </summary>
public static class HomeBackup
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public sealed record Options(bool WithSecrets, bool WithWorkspaces);

    public sealed record Result(string File, long Bytes, BackupManifest Manifest, int SkippedLinks);

    public static async Task<Result> CreateAsync(MeshClawHome home, string output, Options options, TimeProvider time, string by, CancellationToken cancellationToken)
    {
        output = Path.GetFullPath(output);
        if (!File.Exists(home.Database))
        {
            throw new BackupException(1, $"nothing to back up: {home.Root} has no database ({HomeItems.Database}); has MeshClaw been started there (meshclaw up)?");
        }

        if (output.StartsWith(Path.GetFullPath(home.Root).TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new BackupException(2, $"{output} is inside the home folder; write the backup somewhere else (--out), so it survives losing the home");
        }

        if (File.Exists(output) || Directory.Exists(output))
        {
            throw new BackupException(2, $"{output} already exists; a backup never overwrites a file: choose another --out");
        }

        var scratch = Path.Combine(home.Root, ".backup-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(scratch);
        try
        {
            var sources = new List<(string Path, string File)>();
            var items = new List<string> { HomeItems.Database };
            await SqliteSnapshot.CopyAsync(home.Database, Path.Combine(scratch, HomeItems.Database), cancellationToken);
            sources.Add((HomeItems.Database, Path.Combine(scratch, HomeItems.Database)));
            var schema = await SqliteSnapshot.SchemaVersionOfAsync(Path.Combine(scratch, HomeItems.Database), cancellationToken) ?? 0;
            var scheduler = Path.Combine(home.Root, HomeItems.Scheduler);
            if (File.Exists(scheduler))
            {
                await SqliteSnapshot.CopyAsync(scheduler, Path.Combine(scratch, HomeItems.Scheduler), cancellationToken);
                sources.Add((HomeItems.Scheduler, Path.Combine(scratch, HomeItems.Scheduler)));
                items.Add(HomeItems.Scheduler);
            }

            var files = new List<string> { HomeItems.Config };
            if (options.WithSecrets)
            {
                files.AddRange([HomeItems.Secrets, HomeItems.SecretsKey]);
            }

            foreach (var name in files.Where(n => File.Exists(Path.Combine(home.Root, n))))
            {
                sources.Add((name, Path.Combine(home.Root, name)));
                items.Add(name);
            }

            var skipped = 0;
            foreach (var folder in options.WithWorkspaces ? [HomeItems.Agents, HomeItems.Skills, HomeItems.Workspaces] : new[] { HomeItems.Agents, HomeItems.Skills })
            {
                items.Add(folder);
                skipped += Walk(new DirectoryInfo(Path.Combine(home.Root, folder)), folder, sources);
            }

            BackupManifest manifest;
            try
            {
                manifest = await WriteAsync(output, sources, home, items, schema, options, time, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new BackupException(1, $"cannot write the backup {output}: {ex.Message}", ex);
            }

            try
            {
                await AuditAsync(home, by, new { file = output, entries = manifest.Entries.Count, withSecrets = options.WithSecrets, withWorkspaces = options.WithWorkspaces }, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                // A database from a newer MeshClaw is copied like any other, but this one cannot write to its log.
                throw new BackupException(BackupException.NewerSchema, $"the backup {output} was written, but it could not be recorded in the audit log: {ex.Message}", ex);
            }

            return new Result(output, new FileInfo(output).Length, manifest, skipped);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Regular files only: a symbolic link could point anywhere on the machine, and restoring one would recreate that reach.</summary>
    private static int Walk(DirectoryInfo folder, string relative, List<(string, string)> sources)
    {
        if (!folder.Exists)
        {
            return 0;
        }

        var skipped = 0;
        foreach (var entry in folder.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = relative + "/" + entry.Name;
            if (entry.LinkTarget is not null)
            {
                skipped++;
            }
            else if (entry is DirectoryInfo sub)
            {
                skipped += Walk(sub, path, sources);
            }
            else
            {
                sources.Add((path, entry.FullName));
            }
        }

        return skipped;
    }

    private static async Task<BackupManifest> WriteAsync(string output, List<(string Path, string File)> sources, MeshClawHome home, List<string> items, int schema,
        Options options, TimeProvider time, CancellationToken cancellationToken)
    {
        var partial = output + ".partial";
        var entries = new List<BackupEntry>();
        BackupManifest manifest;
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // It holds runs, transcripts and perhaps the secrets: owner-only, like the home.
                create.UnixCreateMode = OwnerOnly;
            }

            await using (var file = new FileStream(partial, create))
            {
                await using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
                {
                    foreach (var (path, source) in sources)
                    {
                        FileStream input;
                        try
                        {
                            input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                        }
                        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                        {
                            continue; // Deleted by an agent since it was listed: the backup is of what is there.
                        }

                        await using (input)
                        {
                            var mode = OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(input.SafeFileHandle);
                            await using var target = await zip.CreateEntry(BackupManifest.HomePrefix + path, CompressionLevel.Fastest).OpenAsync(cancellationToken);
                            var (size, sha) = await HashingCopy.CopyAsync(input, target, cancellationToken);
                            entries.Add(new BackupEntry(path, size, sha, mode));
                        }
                    }

                    manifest = new BackupManifest(BackupManifest.FormatName, BackupManifest.CurrentFormatVersion, GatewayInfo.Version, schema, time.GetUtcNow(),
                        home.Id, options.WithSecrets, items, entries);
                    await using var writer = new StreamWriter(await zip.CreateEntry(BackupManifest.EntryName).OpenAsync(cancellationToken));
                    await writer.WriteAsync(manifest.ToJson());
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(partial, output);
            return manifest;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>Recorded in the home's own audit log, beside a running gateway as <c>token rotate</c> is.</summary>
    private static async Task AuditAsync(MeshClawHome home, string by, object data, CancellationToken cancellationToken)
    {
        await using var offline = OfflineMeshClaw.Open(home);
        await offline.GetRequiredService<IStoreInitializer>().InitializeAsync(cancellationToken);
        await offline.GetRequiredService<IAuditLog>().AppendAsync(new AuditEvent("home.backed-up", by, null, data), cancellationToken);
    }
}
