using System.Text.Json;
using System.Text.RegularExpressions;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// What MeshClaw does with an envelope from Slack (Socket Mode or the Events API): handles each event once,
/// answers only allow-listed people (anyone else is audited and gets no answer), takes the owner's <c>pause</c>,
/// <c>resume</c> and <c>status</c> in the DM as the kill switch, and otherwise runs the assistant agent with the Slack
/// text as untrusted trigger content, answering in the thread by editing one message.
/// </summary>
public sealed partial class SlackInbox(
    ICurrentConfig config, SlackConnections connections, IInboundEvents seen, IRunStarter runs, IPauseSwitch pause,
    IApprovalStore approvals, IApprovalBroker broker, SlackApprovals approvalMessages, IAuditLog audit, TimeProvider time, ILogger<SlackInbox> logger)
{
    public const string Source = "slack";

    /// <summary>Raised when an envelope has been dealt with: its id and what became of it (ignored, duplicate, refused, command, answered).</summary>
    public event Action<string, string>? Handled;

    /// <summary>Handles one envelope's payload; events are handled once by event id, button presses by <paramref name="envelopeId"/>.</summary>
    public async Task HandleAsync(string type, string envelopeId, JsonElement payload, CancellationToken cancellationToken)
    {
        var outcome = await DealWithAsync(type, envelopeId, payload, cancellationToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Slack envelope {Envelope} ({Type}): {Outcome}", envelopeId, type, outcome);
        }

        Handled?.Invoke(envelopeId, outcome);
    }

    private async Task<string> DealWithAsync(string type, string envelopeId, JsonElement payload, CancellationToken cancellationToken)
    {
        var settings = config.Sections.Get<SlackSettings>();
        if (settings.Connected && type == "interactive")
        {
            return await ButtonAsync(settings, envelopeId, payload, cancellationToken);
        }

        if (!settings.Connected || type != "events_api" || SlackEvent.From(payload) is not { } message || message.User == settings.BotUserId)
        {
            return "ignored";
        }

        // One event may come in two envelopes (Slack retries one it thinks was not acknowledged, a request is replayed):
        // the event id is the one key, taken atomically, so two deliveries racing each other still make one answer.
        var now = time.GetUtcNow();
        if (!await seen.FirstSeenAsync(Source + ".event", message.EventId, now, cancellationToken))
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("Slack event {Event} (envelope {Envelope}) was already handled", message.EventId, envelopeId);
            }

            return "duplicate";
        }

        if (!settings.MayTalk(message.User))
        {
            await audit.AppendAsync(new AuditEvent("slack.refused", $"slack:{message.User}", null,
                new { user = message.User, channel = message.Channel, eventId = message.EventId, reason = "not on the Slack allow-list; no answer" }), cancellationToken);
            return "refused";
        }

        var text = Mention().Replace(message.Text, "").Trim();
        var client = connections.Bot(settings);
        if (message.Direct && message.User == settings.Owner && await KillSwitchAsync(text.ToLowerInvariant(), message, client, cancellationToken))
        {
            return "command";
        }

        await AnswerAsync(settings, message, text, client, cancellationToken);
        return "answered";
    }

    private async Task<bool> KillSwitchAsync(string word, SlackEvent message, SlackClient client, CancellationToken cancellationToken)
    {
        string answer;
        switch (word)
        {
            case "pause":
                await pause.PauseAsync($"slack:{message.User}", cancellationToken);
                answer = "Paused: nothing autonomous runs or acts until you type resume.";
                break;
            case "resume":
                await pause.ResumeAsync($"slack:{message.User}", cancellationToken);
                answer = "Resumed.";
                break;
            case "status":
                var pending = await approvals.PendingAsync(cancellationToken);
                answer = $"{(pause.IsPaused ? "Paused" : "Running")}; {pending.Count} approval(s) waiting.";
                break;
            default:
                return false;
        }

        await audit.AppendAsync(new AuditEvent("slack.command", $"slack:{message.User}", null, new { command = word, channel = message.Channel }), cancellationToken);
        await client.PostMessageAsync(message.Channel, answer, null, null, cancellationToken);
        return true;
    }

    private async Task AnswerAsync(SlackSettings settings, SlackEvent message, string text, SlackClient client, CancellationToken cancellationToken)
    {
        var where = message.Direct ? "a direct message" : $"a mention in {message.Channel}";
        var reply = await client.PostMessageAsync(message.Channel, "_working on it…_", message.ReplyThread, null, cancellationToken);
        string answer;
        try
        {
            var run = await runs.RunAsync(new ChannelRun(
                settings.Agent,
                $"Answer the Slack user {message.User}, who wrote to you in {where} (the message is below).",
                new RunTrigger(RunTriggerKind.Event, $"slack.message from {message.User} in {message.Channel}"),
                $"slack:{message.Channel}:{message.ReplyThread}",
                new TriggerContent($"slack:{message.Channel}", string.IsNullOrEmpty(text) ? "(empty message)" : text),
                // Streamed only into the owner's own DM, like the owner's terminal; elsewhere only the finished (whole-text redacted) answer is posted.
                message.Direct && message.User == settings.Owner ? new StreamedReply(client, reply, time) : null), cancellationToken);
            answer = run.Status == RunStatus.Succeeded && !string.IsNullOrWhiteSpace(run.Answer)
                ? run.Answer
                : $"(the run {run.Id} ended {run.Status.ToString().ToLowerInvariant()}{(run.StatusReason is null ? "" : $": {run.StatusReason}")})";
        }
        catch (RunNotStartedException ex)
        {
            answer = $"(not started: {ex.Message})";
        }

        await client.UpdateAsync(reply.Channel, reply.Ts, answer, null, cancellationToken);
    }

    /// <summary>
    /// An Approve or Deny press on an approval message: accepted only from the owner, once, before expiry, through the
    /// broker that answers the dashboard and the CLI (so "already answered" and "expired" are its words).
    /// </summary>
    private async Task<string> ButtonAsync(SlackSettings settings, string envelopeId, JsonElement payload, CancellationToken cancellationToken)
    {
        if (SlackClient.Str(payload, "type") != "block_actions" || !payload.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array
            || actions.GetArrayLength() == 0 || SlackClient.Str(actions[0], "action_id") is not (ApprovalMessage.ApproveAction or ApprovalMessage.DenyAction) || SlackClient.Str(actions[0], "value") is not { } approvalId)
        {
            return "ignored";
        }

        if (!await seen.FirstSeenAsync(Source + ".envelope", envelopeId, time.GetUtcNow(), cancellationToken))
        {
            return "duplicate";
        }

        var user = payload.TryGetProperty("user", out var u) ? SlackClient.Str(u, "id") : null;
        var container = payload.TryGetProperty("container", out var c) ? c : default;
        var channel = SlackClient.Str(container, "channel_id");
        var messageTs = SlackClient.Str(container, "message_ts");
        if (user is null || user != settings.Owner)
        {
            await audit.AppendAsync(new AuditEvent("slack.approval-refused", $"slack:{user ?? "unknown"}", null,
                new { approval = approvalId, user, reason = "only the owner may answer approvals in Slack" }), cancellationToken);
            return "refused";
        }

        if (channel is not null && messageTs is not null)
        {
            approvalMessages.Remember(approvalId, new SlackMessageRef(channel, messageTs));
        }

        var answer = SlackClient.Str(actions[0], "action_id") == ApprovalMessage.ApproveAction ? ApprovalStatus.Approved : ApprovalStatus.Denied;
        try
        {
            await broker.AnswerAsync(approvalId, answer, $"slack:{user}", null, cancellationToken);
            return answer == ApprovalStatus.Approved ? "approved" : "denied";
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
        {
            // Already answered (here or in the dashboard), expired, withdrawn: the press changes nothing, and says why.
            if (channel is not null)
            {
                await connections.Bot(settings).PostMessageAsync(channel, $"Not {(answer == ApprovalStatus.Approved ? "approved" : "denied")}: {ex.Message}", messageTs, null, cancellationToken);
            }

            return "not answered";
        }
    }

    [GeneratedRegex(@"<@[A-Z0-9]+>")]
    private static partial Regex Mention();
}
