using System.Text.Json;
using MeshClaw.Host.Api;

namespace MeshClaw.Host.Backup;

/// <summary>
/// <c>manifest.json</c> inside a backup: what made it, the database's schema version, which parts of the home it covers
/// (<see cref="Items"/>, top-level names, so an empty agents folder is restored as empty) and every file with its size
/// and SHA-256, so a restore can check the whole archive before it touches the home.
/// </summary>
public sealed record BackupManifest(
    string Format,
    int FormatVersion,
    string MeshClawVersion,
    int SchemaVersion,
    DateTimeOffset CreatedAt,
    string HomeId,
    bool WithSecrets,
    IReadOnlyList<string> Items,
    IReadOnlyList<BackupEntry> Entries)
{
    public const string FormatName = "meshclaw-backup";
    public const int CurrentFormatVersion = 1;
    public const string EntryName = "manifest.json";

    /// <summary>Files sit under this folder in the archive, by their path relative to the home.</summary>
    public const string HomePrefix = "home/";

    public string ToJson() => JsonSerializer.Serialize(this, ApiJson.Options);

    public static BackupManifest? FromJson(string json) => JsonSerializer.Deserialize<BackupManifest>(json, ApiJson.Options);
}

/// <summary>One file of a backup: its path relative to the home ('/' separated), size, SHA-256 (hex) and Unix mode.</summary>
public sealed record BackupEntry(string Path, long Size, string Sha256, int Mode);
