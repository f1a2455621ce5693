using MeshClaw.Core.Configuration;

namespace MeshClaw.Core.Tools;

/// <summary>
/// Where tools come from: each module registers one. The catalog asks every source for its tools once per config
/// version (not per run), so a source builds its tools from the settings of that version.
/// </summary>
public interface IToolSource
{
    IEnumerable<IAgentTool> CreateTools(ConfigSections config);
}
