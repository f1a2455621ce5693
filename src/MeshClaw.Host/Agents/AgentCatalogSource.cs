using MeshClaw.Core.Agents;
using MeshClaw.Core.Home;

namespace MeshClaw.Host.Agents;

/// <summary>
/// The agent files as last parsed: re-read only when a file was added, removed or changed (by name, size and time),
/// so a run start, a scheduler pass or a dashboard page costs a directory listing, not a YAML parse of every file.
/// </summary>
public sealed class AgentCatalogSource(MeshClawHome home)
{
    private readonly Lock _lock = new();
    private string? _fingerprint;
    private AgentCatalog? _catalog;

    public AgentCatalog Current()
    {
        var fingerprint = Fingerprint();
        lock (_lock)
        {
            if (_catalog is null || fingerprint != _fingerprint)
            {
                _catalog = AgentCatalog.Load(home.Agents);
                _fingerprint = fingerprint;
            }

            return _catalog;
        }
    }

    private string Fingerprint()
    {
        if (!Directory.Exists(home.Agents))
        {
            return "";
        }

        var files = new DirectoryInfo(home.Agents).EnumerateFiles("*.md").OrderBy(f => f.Name, StringComparer.Ordinal);
        return string.Join('\n', files.Select(f => $"{f.Name}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"));
    }
}
