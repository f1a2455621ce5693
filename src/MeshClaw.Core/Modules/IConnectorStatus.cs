using MeshClaw.Core.Configuration;

namespace MeshClaw.Core.Modules;

/// <summary>A module's rows on the dashboard's connectors table: what is connected, and how.</summary>
public interface IConnectorStatus
{
    IEnumerable<ConnectorRow> Rows(ConfigSections config);
}

public sealed record ConnectorRow(string Connector, string Account, string Details);
