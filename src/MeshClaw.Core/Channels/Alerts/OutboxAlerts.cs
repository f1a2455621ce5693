namespace MeshClaw.Core.Channels.Alerts;

/// <summary>Alerts straight into the outbox (kind <c>alert</c> or <c>alert.urgent</c>), which every channel delivers.</summary>
public sealed class OutboxAlerts(IOutbox outbox) : IAlerts
{
    public const string Kind = "alert";
    public const string UrgentKind = "alert.urgent";

    public Task RaiseAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var kind = alert.Urgency == AlertUrgency.Urgent ? UrgentKind : Kind;
        return outbox.EnqueueAsync($"alert:{alert.Key}", kind, $"{alert.Subject}\n{alert.Text}", alert.At, cancellationToken);
    }
}
