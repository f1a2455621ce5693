using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Home;
using MeshClaw.Core.Settings;

namespace MeshClaw.Host.Safety;

/// <summary>
/// Puts edits the user (or anything else) makes to config.json and the agent files (grants, budgets, schedules)
/// in the audit log: a fingerprint of each file is kept, and every change found at start or before a run is
/// recorded with the files it touched.
/// </summary>
public sealed class HomeChangeAuditor(MeshClawHome home, ISettingsStore settings, IAuditLog audit) : IDisposable
{
    private const string Key = "home.fingerprints";
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var now = Fingerprints();
            var stored = await settings.GetAsync(Key, cancellationToken);
            var before = stored is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(stored);
            if (before is not null && now.Count == before.Count && now.All(kv => before.TryGetValue(kv.Key, out var v) && v == kv.Value))
            {
                return;
            }

            var changed = before is null
                ? now.Keys.Order().ToList()
                : now.Where(kv => !before.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => kv.Key)
                    .Concat(before.Keys.Where(k => !now.ContainsKey(k)).Select(k => k + " (removed)")).Order().ToList();
            await audit.AppendAsync(new AuditEvent(before is null ? "config.baseline" : "config.changed", "home-folder", null, new { files = changed, fingerprints = now }), cancellationToken);
            await settings.SetAsync(Key, JsonSerializer.Serialize(now), cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private Dictionary<string, string> Fingerprints()
    {
        var files = new[] { home.ConfigFile }.Concat(Directory.Exists(home.Agents) ? Directory.EnumerateFiles(home.Agents, "*.md") : []).Where(File.Exists);
        return files.ToDictionary(f => Path.GetRelativePath(home.Root, f), f => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(f))))[..16]);
    }
}
