using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;

namespace MeshClaw.Connectors.Slack;

/// <summary>The Slack workspace on the dashboard's connectors table.</summary>
public sealed class SlackStatus : IConnectorStatus
{
    public IEnumerable<ConnectorRow> Rows(ConfigSections config)
    {
        var settings = config.Get<SlackSettings>();
        return settings.Connected
            ? [new ConnectorRow("slack", settings.Team ?? "workspace", $"owner {settings.Owner}; {(settings.SocketMode ? "Socket Mode" : "no listener")}; answers with agent '{settings.Agent}'; {settings.AllowedUsers.Count} more allowed user(s)")]
            : [];
    }
}
