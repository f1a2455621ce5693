using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Memory;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Connectors.Memory;

/// <summary>The agents' notes between runs: remember, recall, forget, each scoped to the agent.</summary>
public sealed class MemoryModule : IMeshClawModule
{
    public string Name => "memory";
    public IReadOnlyList<IConfigSection> ConfigSections => [];
    public IConnectCommand? Connect => null;

    public void Register(MeshClawBuilder builder) => builder.Services.AddSingleton<IToolSource, Tools>();

    private sealed class Tools(IMemoryStore memories) : IToolSource
    {
        public IEnumerable<IAgentTool> CreateTools(ConfigSections config) => [new RememberTool(memories), new RecallTool(memories), new ForgetTool(memories)];
    }
}
