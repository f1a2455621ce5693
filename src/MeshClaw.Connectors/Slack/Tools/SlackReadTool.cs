using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Slack.Tools;

/// <summary>Reads a conversation the bot is in (newest first), or one thread. Slack text is untrusted: it taints the run.</summary>
public sealed class SlackReadTool(SlackSettings settings, SlackConnections connections) : SlackTool(settings, connections)
{
    public override string Name => "slack_read";
    public override string Capability => "slack.read";
    public override ToolRisk Risk => ToolRisk.Read;
    public override string Description => "Reads recent messages of a Slack conversation ('channel' id, or 'dm' for the user's DM), or one thread ('thread_ts'). 'limit' 1-200, default 20.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"channel":{"type":"string"},"thread_ts":{"type":"string"},"limit":{"type":"integer"}},"required":["channel"],"additionalProperties":false}
        """);

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var channel = Channel(arguments);
        var limit = (int)Math.Clamp(ToolArguments.OptionalInteger(arguments, "limit") ?? 20, 1, 200);
        var client = Client();
        var messages = ToolArguments.OptionalString(arguments, "thread_ts") is { } thread
            ? await client.RepliesAsync(channel, thread, limit, cancellationToken)
            : await client.HistoryAsync(channel, limit, cancellationToken);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{messages.Count} message(s) in {channel}:\n");
        foreach (var m in messages)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{m.Ts}{(m.ThreadTs is { } t && t != m.Ts ? $" in thread {t}" : "")}] {m.User ?? m.BotId ?? "?"}: {m.Text}\n");
        }

        return new ToolResult(text.ToString(), Untrusted: true);
    }
}
