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
/// What MeshClaw does with an envelope from Slack (Socket Mode or, later, the Events API): handles each event once,
/// answers only allow-listed people (anyone else is audited and gets no answer), takes the owner's <c>pause</c>,
/// <c>resume</c> and <c>status</c> in the DM as the kill switch, and otherwise runs the assistant agent with the Slack
/// text as untrusted trigger content, answering in the thread by editing one message.
/// </summary>
public sealed partial class SlackInbox(
    ICurrentConfig config, SlackConnections connections, IInboundEvents seen, IRunStarter runs, IPauseSwitch pause,
    IApprovalStore approvals, IAuditLog audit, TimeProvider time, ILogger<SlackInbox> logger)
{
    public const string Source = "slack";

    /// <summary>Raised when an envelope has been dealt with: its id and what became of it (ignored, duplicate, refused, command, answered).</summary>
    public event Action<string, string>? Handled;

    /// <summary>Handles one envelope's payload; <paramref name="envelopeId"/> guards against the same envelope twice.</summary>
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
        if (!settings.Connected || type != "events_api" || SlackEvent.From(payload) is not { } message || message.User == settings.BotUserId)
        {
            return "ignored";
        }

        // One event may come in two envelopes (Slack retries one it thinks was not acknowledged): both ids must be new.
        var now = time.GetUtcNow();
        if (!await seen.FirstSeenAsync(Source + ".envelope", envelopeId, now, cancellationToken)
            | !await seen.FirstSeenAsync(Source + ".event", message.EventId, now, cancellationToken))
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
                new TriggerContent($"slack:{message.Channel}", string.IsNullOrEmpty(text) ? "(empty message)" : text)), cancellationToken);
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

    [GeneratedRegex(@"<@[A-Z0-9]+>")]
    private static partial Regex Mention();
}
