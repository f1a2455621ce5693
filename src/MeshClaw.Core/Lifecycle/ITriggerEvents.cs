using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Lifecycle;

/// <summary>Raises a named event (<c>email.received</c>, later a webhook or a Slack mention): every agent listening for it runs.</summary>
public interface ITriggerEvents
{
    Task RaiseAsync(string eventName, string detail, TriggerContent? content, CancellationToken cancellationToken);
}
