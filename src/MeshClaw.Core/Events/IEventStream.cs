namespace MeshClaw.Core.Events;

/// <summary>
/// MeshClaw's in-process event stream: approval requests and answers, runs starting and ending, pause and resume.
/// Publishing never blocks; a subscriber that falls behind loses its oldest events, not the publisher's time.
/// </summary>
public interface IEventStream
{
    void Publish(MeshClawEvent meshClawEvent);

    /// <summary>Subscribes now (events published from this call on are seen), until the subscription is disposed.</summary>
    EventSubscription Subscribe();
}
