using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;

namespace MeshClaw.Connectors.Email;

/// <summary>The mail accounts on the dashboard's connectors table.</summary>
public sealed class EmailStatus : IConnectorStatus
{
    public IEnumerable<ConnectorRow> Rows(ConfigSections config) => config.Get<EmailSettings>().Accounts.Values.Select(acc => new ConnectorRow("email", acc.Name,
        $"{acc.User} at {acc.ImapHost}:{acc.ImapPort} ({acc.ImapTls.ToString().ToLowerInvariant()}); sending {(acc.SmtpHost is null ? "not configured" : $"via {acc.SmtpHost}")}"));
}
