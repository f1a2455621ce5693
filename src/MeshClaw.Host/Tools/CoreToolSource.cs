using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;
using MeshClaw.Host.Tools.Admin;
using MeshClaw.Host.Tools.Delegation;

namespace MeshClaw.Host.Tools;

/// <summary>The tools of MeshClaw itself: the time, reading workspace files, changing MeshClaw (budgets, schedules, some config; never grants or policy) and delegating.</summary>
public sealed class CoreToolSource(MeshClawHome home) : IToolSource
{
    public IEnumerable<IAgentTool> CreateTools(ConfigSections config) =>
    [
        .. BuiltInTools.All,
        AgentFieldTool.Budget(home), AgentFieldTool.Schedule(home),
        new UpdateConfigTool(home), new RestoreHomeFileTool(home),
        new DelegateTool(),
    ];
}
