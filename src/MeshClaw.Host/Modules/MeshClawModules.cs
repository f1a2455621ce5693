using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Files;
using MeshClaw.Connectors.Memory;
using MeshClaw.Connectors.Shell;
using MeshClaw.Connectors.Slack;
using MeshClaw.Connectors.Web;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;

namespace MeshClaw.Host.Modules;

/// <summary>MeshClaw's capability modules. A new connector is its folder and one line here.</summary>
public static class MeshClawModules
{
    public static IReadOnlyList<IMeshClawModule> All { get; } =
    [
        new FilesModule(),
        new ShellModule(),
        new WebModule(),
        new MemoryModule(),
        new EmailModule(),
        new SlackModule(),
    ];

    /// <summary>Every module's config.json sections.</summary>
    public static IReadOnlyList<IConfigSection> Sections { get; } = [.. All.SelectMany(m => m.ConfigSections)];
}
