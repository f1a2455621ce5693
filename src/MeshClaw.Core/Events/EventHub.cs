using System.Threading.Channels;

namespace MeshClaw.Core.Events;

/// <summary>The event stream of one process: a bounded channel per subscriber. A cluster would publish through the shared store.</summary>
public sealed class EventHub : IEventStream
{
    private const int Backlog = 1024;
    private readonly Lock _lock = new();
    private readonly List<Channel<MeshClawEvent>> _subscribers = [];

    public void Publish(MeshClawEvent meshClawEvent)
    {
        Channel<MeshClawEvent>[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Writer.TryWrite(meshClawEvent);
        }
    }

    public EventSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<MeshClawEvent>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        return new EventSubscription(channel.Reader, () =>
        {
            lock (_lock)
            {
                _subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
    }
}
