using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Delivers the outbox to the owner's Slack DM: oldest first, each once (its delivery is recorded with the message's
/// ts), looking again every second. A 429 is waited out by the client (Retry-After); when Slack still refuses, the round
/// stops where it is and the next one goes on from the same notification, so order is kept and nothing is lost.
/// </summary>
public sealed class SlackOutboxDelivery(IOutbox outbox, ICurrentConfig config, SlackConnections connections, TimeProvider time, ILogger<SlackOutboxDelivery> logger)
    : BackgroundService
{
    public const string Channel = "slack";
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            do
            {
                await DeliverAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // MeshClaw is stopping; what is not delivered stays queued.
        }
    }

    /// <summary>One round: delivers what is queued, in order, until done or Slack refuses; returns how many were delivered.</summary>
    public async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var settings = config.Sections.Get<SlackSettings>();
        if (!settings.Connected || settings.OwnerChannel is null)
        {
            return 0;
        }

        var delivered = 0;
        while (true)
        {
            var batch = await outbox.UndeliveredAsync(Channel, 50, cancellationToken);
            if (batch.Count == 0)
            {
                return delivered;
            }

            foreach (var notification in batch)
            {
                try
                {
                    var posted = await connections.Bot(settings).PostMessageAsync(settings.OwnerChannel, Format(notification), null, null, cancellationToken);
                    await outbox.MarkDeliveredAsync(notification.Id, Channel, posted.Ts, time.GetUtcNow(), CancellationToken.None);
                    delivered++;
                }
                catch (SlackApiException ex)
                {
                    logger.LogWarning("Notification {Id} was not delivered to Slack yet ({Error}); trying again shortly", notification.Id, ex.Message);
                    return delivered;
                }
            }
        }
    }

    private static string Format(Notification notification)
    {
        // Slack refuses text much past 4,000 characters; the whole notification stays on the dashboard.
        var text = notification.Text.Length > 3800 ? notification.Text[..3800] + "… (the rest is on the dashboard)" : notification.Text;
        return notification.Kind == "inbox.digest" ? $"*Inbox digest*\n{text}" : text;
    }
}
