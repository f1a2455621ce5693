namespace MeshClaw.Core.Channels;

/// <summary>
/// Everything MeshClaw tells its user (the inbox digest now; alerts and budget warnings next), in one persistent queue:
/// listed for the dashboard always, and delivered to each channel (Slack) once, in order, surviving restarts.
/// </summary>
public interface IOutbox
{
    /// <summary>Queues a notification; false when one with the same idempotency key is already queued (it is not queued twice).</summary>
    Task<bool> EnqueueAsync(string key, string kind, string text, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The newest notifications, newest first.</summary>
    Task<IReadOnlyList<Notification>> RecentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The oldest notifications not yet delivered to <paramref name="channel"/>, oldest first.</summary>
    Task<IReadOnlyList<Notification>> UndeliveredAsync(string channel, int limit, CancellationToken cancellationToken);

    Task MarkDeliveredAsync(long id, string channel, string reference, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>One notification and where it has been delivered.</summary>
public sealed record Notification(long Id, string Key, string Kind, string Text, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> DeliveredTo);
