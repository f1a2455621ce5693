namespace MeshClaw.Core.Channels;

/// <summary>
/// Events that arrived from a channel (a Slack envelope, an event id), recorded so one delivered twice (a retry, a
/// reconnect) is handled once, across restarts.
/// </summary>
public interface IInboundEvents
{
    /// <summary>Records the event; true the first time it is seen, false for every later delivery.</summary>
    Task<bool> FirstSeenAsync(string source, string eventId, DateTimeOffset at, CancellationToken cancellationToken);
}
