using System.Threading.Channels;

namespace MeshClaw.Core.Events;

/// <summary>One subscriber's view of the event stream; dispose it to stop receiving.</summary>
public sealed class EventSubscription(ChannelReader<MeshClawEvent> reader, Action unsubscribe) : IDisposable
{
    public ChannelReader<MeshClawEvent> Reader => reader;

    public IAsyncEnumerable<MeshClawEvent> ReadAllAsync(CancellationToken cancellationToken) => reader.ReadAllAsync(cancellationToken);

    /// <summary>Waits for the first event that satisfies the condition.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> condition, CancellationToken cancellationToken) where T : MeshClawEvent
    {
        await foreach (var item in reader.ReadAllAsync(cancellationToken))
        {
            if (item is T match && condition(match))
            {
                return match;
            }
        }

        throw new OperationCanceledException("the event stream ended");
    }

    public void Dispose() => unsubscribe();
}
