using System.Collections.Concurrent;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Every approval request also goes to the owner's DM as a Block Kit message with Approve / Deny; when it is answered,
/// there or anywhere else (dashboard, CLI), the message is edited to say who answered and when.
/// </summary>
public sealed class SlackApprovals(IEventStream events, ICurrentConfig config, SlackConnections connections, ILogger<SlackApprovals> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, SlackMessageRef> _posted = new(StringComparer.Ordinal);

    /// <summary>Where an approval's message is, when known from a button press (after a restart the map is empty).</summary>
    public void Remember(string approvalId, SlackMessageRef message) => _posted.TryAdd(approvalId, message);

    public SlackMessageRef? MessageOf(string approvalId) => _posted.GetValueOrDefault(approvalId);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the gateway takes requests, so no approval asked at start-up is missed.
        _subscription = events.Subscribe();
        return base.StartAsync(cancellationToken);
    }

    private EventSubscription? _subscription;

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
                            var posted = await connections.Bot(settings).PostMessageAsync(settings.OwnerChannel, ApprovalMessage.Text(requested.Approval), null,
                                ApprovalMessage.Blocks(requested.Approval), stoppingToken);
                            _posted[requested.Approval.Id] = posted;
                            break;
                        case ApprovalAnswered answered when _posted.TryRemove(answered.Approval.Id, out var message):
                            await connections.Bot(settings).UpdateAsync(message.Channel, message.Ts,
                                $"{answered.Approval.Status} by {answered.Approval.DecidedBy}: {ApprovalMessage.Text(answered.Approval)}", ApprovalMessage.Answered(answered.Approval), stoppingToken);
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
