using System.Collections.Concurrent;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Every approval request also goes to the owner's DM as a Block Kit message with Approve / Deny, through the outbox
/// (key <c>approval:ID</c>, so it is listed on the dashboard, posted once, and survives a restart); when it is answered,
/// there or anywhere else (dashboard, CLI), the message the outbox recorded is edited to say who answered and when, so a
/// press after a restart still finds it.
/// </summary>
public sealed class SlackApprovals(
    IEventStream events, ICurrentConfig config, SlackConnections connections, IOutbox outbox, SlackOutboxDelivery delivery, TimeProvider time,
    ILogger<SlackApprovals> logger) : BackgroundService
{
    public const string Kind = "approval";
    private readonly ConcurrentDictionary<string, SlackMessageRef> _pressed = new(StringComparer.Ordinal);
    private EventSubscription? _subscription;

    public static string KeyOf(string approvalId) => $"{Kind}:{approvalId}";

    public static string ApprovalOf(string key) => key[(Kind.Length + 1)..];

    /// <summary>Where an approval's message is, as a button press says (used when the outbox has no record of it).</summary>
    public void Remember(string approvalId, SlackMessageRef message) => _pressed.TryAdd(approvalId, message);

    /// <summary>Where an approval's message is in Slack: the outbox's record of its delivery, else a press's word.</summary>
    public async Task<SlackMessageRef?> MessageOfAsync(string approvalId, CancellationToken cancellationToken) =>
        await outbox.FindAsync(KeyOf(approvalId), cancellationToken) is { } notification
        && SlackOutboxDelivery.MessageOf(notification, config.Sections.Get<SlackSettings>().OwnerChannel) is { } message
            ? message
            : _pressed.GetValueOrDefault(approvalId);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the gateway takes requests, so no approval asked at start-up is missed.
        _subscription = events.Subscribe();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = _subscription!;
        try
        {
            await foreach (var item in subscription.ReadAllAsync(stoppingToken))
            {
                var settings = config.Sections.Get<SlackSettings>();
                if (!settings.Connected || settings.OwnerChannel is null)
                {
                    continue;
                }

                try
                {
                    switch (item)
                    {
                        case ApprovalRequested requested:
                            await outbox.EnqueueAsync(KeyOf(requested.Approval.Id), Kind, ApprovalMessage.Text(requested.Approval), time.GetUtcNow(), stoppingToken);
                            delivery.Nudge();
                            break;
                        case ApprovalAnswered answered when await MessageOfAsync(answered.Approval.Id, stoppingToken) is { } message:
                            await connections.Bot(settings).UpdateAsync(message.Channel, message.Ts, ApprovalMessage.AnsweredText(answered.Approval),
                                ApprovalMessage.Answered(answered.Approval), stoppingToken);
                            _pressed.TryRemove(answered.Approval.Id, out _);
                            break;
                    }
                }
                catch (SlackApiException ex)
                {
                    logger.LogWarning("Slack could not be told about {Event}: {Error}", item.Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // MeshClaw is stopping.
        }
    }
}
