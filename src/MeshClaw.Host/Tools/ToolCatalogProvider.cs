using MeshClaw.Core.Configuration;
using MeshClaw.Core.Tools;

namespace MeshClaw.Host.Tools;

/// <summary>
/// Every tool MeshClaw has, from the modules' tool sources, built once per loaded configuration (allow-lists and
/// limits come from config.json) and shared by the runs of that load, rather than rebuilt for every run.
/// </summary>
/// <remarks>
/// Kept per loaded <see cref="ConfigSections"/> instance (each good load of config.json is a new one): a run asks with
/// the sections it was given, so its tools and its config can never come from two different loads.
/// </remarks>
public sealed class ToolCatalogProvider(IEnumerable<IToolSource> sources, ICurrentConfig config)
{
    private readonly Lock _lock = new();
    private (ConfigSections Sections, ToolCatalog Catalog)? _current;

    public ToolCatalog Current() => For(config.Sections);

    public ToolCatalog For(ConfigSections sections)
    {
        lock (_lock)
        {
            if (_current is { } current && ReferenceEquals(current.Sections, sections))
            {
                return current.Catalog;
            }

            var catalog = new ToolCatalog(sources.SelectMany(s => s.CreateTools(sections)));
            _current = (sections, catalog);
            return catalog;
        }
    }
}
