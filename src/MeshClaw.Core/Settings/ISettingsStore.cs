namespace MeshClaw.Core.Settings;

/// <summary>Small durable values that must survive a restart (the pause flag, file fingerprints).</summary>
public interface ISettingsStore
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);
    Task SetAsync(string key, string value, CancellationToken cancellationToken);
}
