using MeshClaw.Core.Approvals;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Delivers the outbox to the owner's Slack DM, oldest first, each once. The attempt is written before the post and the
/// post carries the notification's key as metadata, so an attempt left in doubt (a kill between the post and its record,
/// a connection cut before the answer) is looked for in the DM's history before anything is posted again. A refusal that
/// trying again cannot change (channel_not_found, msg_too_long...) fails that notification, with Slack's error, and the
/// queue goes on; a refused token fails it and holds delivery until the token changes. A rate limit or Slack's own
/// trouble stops the round where it is (order is kept) and the next round waits Retry-After, or longer after each failure;
/// Slack's trouble (not a rate limit) gives up on a notification after eight tries.
/// </summary>
public sealed class SlackOutboxDelivery(
    IOutbox outbox, ICurrentConfig config, SlackConnections connections, IApprovalStore approvals, ISecretStore secrets, SlackDeliveryHealth health,
    TimeProvider time, ILogger<SlackOutboxDelivery> logger) : BackgroundService
{
    public const string Channel = "slack";
    private const int MaxAttempts = 8;
    private const int HistoryLooked = 200;
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromMinutes(5);
    private TaskCompletionSource _nudge = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _resumeAt = DateTimeOffset.MinValue;
    private int _transientInARow;
    private (string Error, long SecretsVersion)? _tokenRefused;

    /// <summary>Something was queued: deliver now instead of at the next look.</summary>
    public void Nudge() => _nudge.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CountFailedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                Interlocked.Exchange(ref _nudge, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                try
                {
                    await DeliverAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store or the config could not be read this time; the queue is still there for the next look.
                    logger.LogWarning(ex, "Slack delivery round failed; trying again shortly");
                }

                var wait = _resumeAt > time.GetUtcNow() ? _resumeAt - time.GetUtcNow() : Every;
                await Task.WhenAny(Task.Delay(wait, time, stoppingToken), _nudge.Task);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // MeshClaw is stopping; what is not delivered stays queued, and an attempt in doubt is looked for at the next start.
        }
    }

    /// <summary>One round: delivers what is queued, in order, until done or Slack asks to wait; returns how many were delivered.</summary>
    public async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var settings = config.Sections.Get<SlackSettings>();
        if (!settings.Connected || settings.OwnerChannel is null || time.GetUtcNow() < _resumeAt)
        {
            return 0;
        }

        if (_tokenRefused is { } refused)
        {
            if (refused.SecretsVersion == secrets.Version)
            {
                return 0;
            }

            _tokenRefused = null;
        }

        var delivered = 0;
        while (true)
        {
            var batch = await outbox.UndeliveredAsync(Channel, 50, cancellationToken);
            if (batch.Count == 0)
            {
                health.Waiting(null);
                return delivered;
            }

            foreach (var notification in batch)
            {
                switch (await DeliverOneAsync(settings, notification, cancellationToken))
                {
                    case Outcome.Delivered:
                        delivered++;
                        _transientInARow = 0;
                        break;
                    case Outcome.Failed:
                        break;
                    case Outcome.Wait:
                        return delivered;
                }
            }
        }
    }

    private enum Outcome { Delivered, Failed, Wait }

    private async Task<Outcome> DeliverOneAsync(SlackSettings settings, Notification notification, CancellationToken cancellationToken)
    {
        var client = connections.Bot(settings);
        var attempt = await outbox.AttemptAsync(notification.Id, Channel, cancellationToken);
        try
        {
            if (attempt is { InDoubt: true } && await FindPostedAsync(client, settings.OwnerChannel!, notification.Key, cancellationToken) is { } found)
            {
                // Posted before MeshClaw could record it: recorded now, not posted twice.
                await outbox.MarkDeliveredAsync(notification.Id, Channel, found, time.GetUtcNow(), CancellationToken.None);
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Notification {Id} was already in Slack (a post cut before its record); not posted again", notification.Id);
                }

                return Outcome.Delivered;
            }

            var (text, blocks) = await FormatAsync(notification, cancellationToken);
            await outbox.BeginAttemptAsync(notification.Id, Channel, time.GetUtcNow(), cancellationToken);
            var posted = await client.PostMessageAsync(settings.OwnerChannel!, text, null, blocks, cancellationToken, outboxKey: notification.Key);
            await outbox.MarkDeliveredAsync(notification.Id, Channel, $"{posted.Channel} {posted.Ts}", time.GetUtcNow(), CancellationToken.None);
            return Outcome.Delivered;
        }
        // Rate limits are Slack pacing the whole workspace, never this notification's fault: waited out however long they last.
        catch (SlackApiException ex) when (ex.Transient && (ex.RetryAfter is not null || (attempt?.Attempts ?? 0) + 1 < MaxAttempts))
        {
            await outbox.AttemptFailedAsync(notification.Id, Channel, ex.Error, failed: false, inDoubt: ex.InDoubt, CancellationToken.None);
            _transientInARow++;
            var backoff = ex.RetryAfter is { } retryAfter ? retryAfter * settings.Pace
                : TimeSpan.FromSeconds(Math.Min(LongestBackoff.TotalSeconds, Math.Pow(2, Math.Min(_transientInARow, 10)))) * settings.Pace;
            _resumeAt = time.GetUtcNow() + backoff;
            health.Waiting($"{ex.Error}; trying again in {Math.Ceiling(backoff.TotalSeconds)} s");
            if (logger.IsEnabled(LogLevel.Warning))
            {
                logger.LogWarning("Notification {Id} was not delivered to Slack yet ({Error}); trying again in {Seconds} s", notification.Id, ex.Message, backoff.TotalSeconds);
            }
            return Outcome.Wait;
        }
        catch (SlackApiException ex)
        {
            // A refusal that will not change by trying again (or a notification tried MaxAttempts times): failed, named, and the queue goes on.
            await outbox.AttemptFailedAsync(notification.Id, Channel, ex.Error, failed: true, inDoubt: false, CancellationToken.None);
            if (logger.IsEnabled(LogLevel.Warning))
            {
                logger.LogWarning("Notification {Id} ({Kind}) will not be delivered to Slack: {Error}", notification.Id, notification.Kind, ex.Message);
            }

            await CountFailedAsync(cancellationToken);
            if (ex.TokenRefused)
            {
                _tokenRefused = (ex.Error, secrets.Version);
                health.Waiting($"Slack refused the bot token ({ex.Error}); run: meshclaw connect slack");
                return Outcome.Wait;
            }

            return Outcome.Failed;
        }
    }

    /// <summary>The ts of the post that carries <paramref name="key"/> among the DM's newest messages, if it went out.</summary>
    private static async Task<string?> FindPostedAsync(SlackClient client, string channel, string key, CancellationToken cancellationToken)
    {
        var recent = await client.HistoryAsync(channel, HistoryLooked, cancellationToken);
        return recent.FirstOrDefault(m => m.OutboxKey == key) is { } found ? $"{channel} {found.Ts}" : null;
    }

    private async Task<(string Text, System.Text.Json.Nodes.JsonArray? Blocks)> FormatAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (notification.Kind == SlackApprovals.Kind && await approvals.GetAsync(SlackApprovals.ApprovalOf(notification.Key), cancellationToken) is { } approval)
        {
            // Answered while it waited in the queue: posted as answered, without buttons.
            return approval.Status == ApprovalStatus.Pending
                ? (ApprovalMessage.Text(approval), ApprovalMessage.Blocks(approval))
                : (ApprovalMessage.AnsweredText(approval), ApprovalMessage.Answered(approval));
        }

        // Slack refuses text much past 4,000 characters; the whole notification stays on the dashboard.
        var text = notification.Text.Length > 3800 ? notification.Text[..3800] + "… (the rest is on the dashboard)" : notification.Text;
        return (notification.Kind == "inbox.digest" ? $"*Inbox digest*\n{text}" : text, null);
    }

    private async Task CountFailedAsync(CancellationToken cancellationToken)
    {
        var failed = await outbox.FailedAsync(Channel, 1000, cancellationToken);
        health.Failed(failed.Count, failed.Count == 0 ? null : $"{failed[0].Kind} {failed[0].Key}: {failed[0].Error}");
    }

    /// <summary>Where a delivered notification is in Slack (its reference: "CHANNEL TS", or the ts alone from before the channel was recorded).</summary>
    public static SlackMessageRef? MessageOf(Notification notification, string? ownerChannel) =>
        notification.DeliveredTo.TryGetValue(Channel, out var reference) && reference.Split(' ') is var parts
            ? parts.Length == 2 ? new SlackMessageRef(parts[0], parts[1]) : ownerChannel is null ? null : new SlackMessageRef(ownerChannel, parts[0])
            : null;
}
