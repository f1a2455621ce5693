using System.IO.Compression;
using System.Text.Json;

namespace MeshClaw.Host.Backup;

/// <summary>
/// A backup opened for restore: its manifest read and checked (format, paths that stay inside the home, known parts),
/// then every file checked against its size and SHA-256, all before anything of the home is touched.
/// </summary>
public sealed class BackupArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly string _file;

    private BackupArchive(ZipArchive zip, string file, BackupManifest manifest)
    {
        _zip = zip;
        _file = file;
        Manifest = manifest;
    }

    public BackupManifest Manifest { get; }

    public static BackupArchive Open(string file)
    {
        if (!File.Exists(file))
        {
            throw new BackupException(2, $"no backup file at {file}");
        }

        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(file);
        }
        catch (InvalidDataException ex)
        {
            throw new BackupException(1, $"{file} is not a MeshClaw backup: it is not a readable zip archive ({ex.Message})", ex);
        }

        try
        {
            return new BackupArchive(zip, file, ReadManifest(zip, file));
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private static BackupManifest ReadManifest(ZipArchive zip, string file)
    {
        var entry = zip.GetEntry(BackupManifest.EntryName)
            ?? throw new BackupException(1, $"{file} is not a MeshClaw backup: it has no {BackupManifest.EntryName}");
        BackupManifest? manifest;
        try
        {
            using var reader = new StreamReader(entry.Open());
            manifest = BackupManifest.FromJson(reader.ReadToEnd());
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new BackupException(1, $"the manifest of {file} cannot be read ({ex.Message}); the archive is damaged", ex);
        }

        if (manifest is not { Format: BackupManifest.FormatName } || manifest.Items is null || manifest.Entries is null)
        {
            throw new BackupException(1, $"{file} is not a MeshClaw backup: its manifest is not one");
        }

        if (manifest.FormatVersion > BackupManifest.CurrentFormatVersion)
        {
            throw new BackupException(BackupException.NewerSchema,
                $"{file} was written by a newer MeshClaw ({manifest.MeshClawVersion}, backup format {manifest.FormatVersion}); update MeshClaw to restore it");
        }

        if (manifest.Items.FirstOrDefault(i => !HomeItems.IsKnown(i)) is { } unknown)
        {
            throw new BackupException(1, $"the manifest of {file} names '{unknown}', which is no part of a MeshClaw home; the archive was altered");
        }

        if (!manifest.Items.Contains(HomeItems.Database))
        {
            throw new BackupException(1, $"{file} holds no database ({HomeItems.Database}); the archive was altered");
        }

        foreach (var e in manifest.Entries)
        {
            if (!IsSafe(e.Path, manifest.Items))
            {
                throw new BackupException(1, $"the manifest of {file} names the path '{e.Path}', which would land outside the parts it restores; refused");
            }
        }

        return manifest;
    }

    /// <summary>Relative, '/' separated, no '.' or '..' segment, and under one of the parts the manifest declares.</summary>
    private static bool IsSafe(string path, IReadOnlyList<string> items)
    {
        var segments = path.Split('/');
        return segments.All(s => s.Length > 0 && s != "." && s != ".." && !s.Contains('\\', StringComparison.Ordinal) && !s.Contains('\0', StringComparison.Ordinal))
            && items.Contains(segments[0])
            && (segments.Length == 1) == HomeItems.Files.Contains(segments[0]);
    }

    /// <summary>Reads every file through, comparing size and SHA-256 with the manifest; the first mismatch is named.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        var listed = Manifest.Entries.Select(e => BackupManifest.HomePrefix + e.Path).ToHashSet(StringComparer.Ordinal);
        if (_zip.Entries.FirstOrDefault(e => e.FullName != BackupManifest.EntryName && !listed.Contains(e.FullName)) is { } extra)
        {
            throw new BackupException(1, $"{_file} holds {extra.FullName}, which its manifest does not list; the archive was altered");
        }

        foreach (var entry in Manifest.Entries)
        {
            await CopyCheckedAsync(entry, null, cancellationToken);
        }
    }

    /// <summary>Writes every file under <paramref name="folder"/> with its mode, checking each again as it is written.</summary>
    public async Task ExtractAsync(string folder, CancellationToken cancellationToken)
    {
        foreach (var item in Manifest.Items.Where(HomeItems.Folders.Contains))
        {
            Directory.CreateDirectory(Path.Combine(folder, item));
        }

        foreach (var entry in Manifest.Entries)
        {
            var target = Path.Combine(folder, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                var mode = (UnixFileMode)(entry.Mode & 0x1FF);
                create.UnixCreateMode = mode == 0 ? UnixFileMode.UserRead | UnixFileMode.UserWrite : mode;
            }

            await using var output = new FileStream(target, create);
            await CopyCheckedAsync(entry, output, cancellationToken);
            output.Flush(flushToDisk: true);
        }
    }

    private async Task CopyCheckedAsync(BackupEntry entry, Stream? output, CancellationToken cancellationToken)
    {
        var name = BackupManifest.HomePrefix + entry.Path;
        var zipped = _zip.GetEntry(name) ?? throw new BackupException(1, $"{_file} lacks {entry.Path}, which its manifest lists; the archive is incomplete");
        (long Size, string Sha256) actual;
        try
        {
            await using var input = zipped.Open();
            actual = await HashingCopy.CopyAsync(input, output, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new BackupException(1, $"{entry.Path} in {_file} cannot be read ({ex.Message}); the archive is damaged", ex);
        }

        if (actual.Size != entry.Size || actual.Sha256 != entry.Sha256)
        {
            throw new BackupException(1, $"{entry.Path} in {_file} does not match its checksum in the manifest ({actual.Size} bytes, SHA-256 {actual.Sha256[..12]}…, expected {entry.Size} bytes, {entry.Sha256[..Math.Min(12, entry.Sha256.Length)]}…); the archive is damaged or was altered");
        }
    }

    public void Dispose() => _zip.Dispose();
}
