using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;

namespace MeshClaw.Connectors.Slack;

/// <summary>The Slack workspace on the dashboard's connectors table, with what the outbox's delivery waits for or gave up on.</summary>
public sealed class SlackStatus(SlackDeliveryHealth health) : IConnectorStatus
{
    public IEnumerable<ConnectorRow> Rows(ConfigSections config)
    {
        var settings = config.Get<SlackSettings>();
        if (!settings.Connected)
        {
            return [];
        }

        var (waiting, failed, last) = health.Now;
        var delivery = (waiting is null ? "" : $"; delivery waiting: {waiting}") + (failed == 0 ? "" : $"; {failed} notification(s) not delivered (last: {last})");
        return [new ConnectorRow("slack", settings.Team ?? "workspace",
            $"owner {settings.Owner}; {(settings.SocketMode ? "Socket Mode" : "no listener")}; answers with agent '{settings.Agent}'; {settings.AllowedUsers.Count} more allowed user(s){delivery}")];
    }
}
