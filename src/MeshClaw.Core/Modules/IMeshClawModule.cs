using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;

namespace MeshClaw.Core.Modules;

/// <summary>
/// A capability of MeshClaw (email now; Slack, deploy, calendar, MCP next), in one folder with one of these: its
/// config section and validation, its connect subcommand, and everything it registers with the host — its tool
/// source, built-in procedures, listeners and jobs, doctor checks and dashboard row. Adding a connector is its folder
/// and one line in the list of modules.
/// </summary>
public interface IMeshClawModule
{
    string Name { get; }

    /// <summary>The config.json sections the module owns (validated with the rest of the file).</summary>
    IReadOnlyList<IConfigSection> ConfigSections { get; }

    /// <summary><c>meshclaw connect NAME</c>, when the module connects to an account.</summary>
    IConnectCommand? Connect { get; }

    void Register(MeshClawBuilder builder);
}
