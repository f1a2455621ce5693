namespace MeshClaw.Core.Channels.Alerts;

/// <summary>
/// Where producers (monitors, deploys) raise alerts. The implementation decides when the user hears of them (held during
/// a meeting unless urgent); producers never talk to the outbox or a channel directly.
/// </summary>
public interface IAlerts
{
    Task RaiseAsync(Alert alert, CancellationToken cancellationToken);
}
