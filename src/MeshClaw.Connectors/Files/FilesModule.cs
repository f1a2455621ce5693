using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Connectors.Files;

/// <summary>Changing files in the agent's workspace: write, delete (to .trash), move; every change undoable.</summary>
public sealed class FilesModule : IMeshClawModule
{
    public string Name => "files";
    public IReadOnlyList<IConfigSection> ConfigSections => [];
    public IConnectCommand? Connect => null;

    public void Register(MeshClawBuilder builder) => builder.Services.AddSingleton<IToolSource, Tools>();

    private sealed class Tools : IToolSource
    {
        public IEnumerable<IAgentTool> CreateTools(ConfigSections config) => [new WriteFileTool(), new DeleteFileTool(), new MoveFileTool()];
    }
}
