namespace MeshClaw.Core.Channels;

/// <summary>
/// Everything MeshClaw tells its user (the inbox digest, approval requests, budget warnings), in one persistent queue:
/// listed for the dashboard always, and delivered to each channel (Slack) once, in order, surviving restarts.
/// </summary>
public interface IOutbox
{
    /// <summary>Queues a notification; false when one with the same idempotency key is already queued (it is not queued twice).</summary>
    Task<bool> EnqueueAsync(string key, string kind, string text, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The newest notifications, newest first.</summary>
    Task<IReadOnlyList<Notification>> RecentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The notification queued under <paramref name="key"/>, if any.</summary>
    Task<Notification?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>The oldest notifications neither delivered to <paramref name="channel"/> nor failed there, oldest first.</summary>
    Task<IReadOnlyList<Notification>> UndeliveredAsync(string channel, int limit, CancellationToken cancellationToken);

    /// <summary>The last attempt to deliver a notification to a channel, if one was made.</summary>
    Task<DeliveryAttempt?> AttemptAsync(long id, string channel, CancellationToken cancellationToken);

    /// <summary>Written before a delivery is tried: until it is marked delivered or failed, the delivery is in doubt.</summary>
    Task BeginAttemptAsync(long id, string channel, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// An attempt that did not deliver: <paramref name="failed"/> gives up on this notification for the channel (it is
    /// no longer undelivered); <paramref name="inDoubt"/> keeps it in doubt (the post may have gone through).
    /// </summary>
    Task AttemptFailedAsync(long id, string channel, string error, bool failed, bool inDoubt, CancellationToken cancellationToken);

    Task MarkDeliveredAsync(long id, string channel, string reference, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Notifications given up on for a channel, newest first, with the error that failed them.</summary>
    Task<IReadOnlyList<FailedDelivery>> FailedAsync(string channel, int limit, CancellationToken cancellationToken);
}

/// <summary>One notification and where it has been delivered.</summary>
public sealed record Notification(long Id, string Key, string Kind, string Text, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> DeliveredTo);

/// <summary>Where a notification's delivery to one channel stands: how many tries, since when, whether the last is in doubt.</summary>
public sealed record DeliveryAttempt(int Attempts, DateTimeOffset StartedAt, bool InDoubt, string? LastError, bool Failed);

/// <summary>A notification a channel will not get, and why.</summary>
public sealed record FailedDelivery(long Id, string Key, string Kind, string Error, int Attempts, DateTimeOffset At);
