using MeshClaw.Core.Configuration;
using MeshClaw.Core.Tools;

namespace MeshClaw.Host.Tools;

/// <summary>
/// Every tool MeshClaw has, from the modules' tool sources, built once per config version (allow-lists and limits
/// come from config.json) and shared by the runs of that version, rather than rebuilt for every run.
/// </summary>
public sealed class ToolCatalogProvider(IEnumerable<IToolSource> sources, ICurrentConfig config)
{
    private readonly Lock _lock = new();
    private (long Version, ToolCatalog Catalog)? _current;

    public ToolCatalog Current() => For(config.Version, config.Sections);

    public ToolCatalog For(long version, ConfigSections sections)
    {
        lock (_lock)
        {
            if (_current is { } current && current.Version == version)
            {
                return current.Catalog;
            }

            var catalog = new ToolCatalog(sources.SelectMany(s => s.CreateTools(sections)));
            _current = (version, catalog);
            return catalog;
        }
    }
}
