using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Slack.Tools;

/// <summary>
/// Posts a message. To the owner's DM it is a reversible write (undone by deleting the message); to any other
/// conversation it sends outside, so the gate asks by default. The agent's <c>slack_channels</c> limits where it may post.
/// </summary>
public sealed class SlackPostTool(SlackSettings settings, SlackConnections connections) : SlackTool(settings, connections)
{
    private const int MaxChars = 4000;

    public override string Name => "slack_post";
    public override string Capability => "slack.post";
    public override ToolRisk Risk => ToolRisk.SendsOutside;
    public override string Description => "Posts 'text' to a Slack conversation ('channel' id, or 'dm' for the user's DM), in a thread with 'thread_ts'. Posting anywhere but 'dm' needs the user's approval.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"channel":{"type":"string"},"text":{"type":"string"},"thread_ts":{"type":"string"}},"required":["channel","text"],"additionalProperties":false}
        """);

    public override Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (channel, _, _) = Resolve(arguments, context);
        return Task.FromResult(IsOwnerDirect(channel)
            ? new ToolCallPlan(ToolRisk.ReversibleWrite) { Target = "the owner's DM" }
            : new ToolCallPlan(ToolRisk.SendsOutside) { Target = $"Slack conversation {channel}" });
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (channel, text, thread) = Resolve(arguments, context);
        var posted = await Client().PostMessageAsync(channel, text, thread, null, cancellationToken);
        return new ToolResult($"posted in {posted.Channel} (ts {posted.Ts})")
        {
            // Only the owner's DM is undone by deleting: elsewhere someone may already have read it.
            Inverse = IsOwnerDirect(posted.Channel) ? new ToolInverse("slack_delete", JsonSerializer.SerializeToElement(new { channel = posted.Channel, ts = posted.Ts })) : null,
        };
    }

    private (string Channel, string Text, string? Thread) Resolve(JsonElement arguments, ToolContext context)
    {
        var channel = Channel(arguments);
        var text = ToolArguments.RequiredString(arguments, "text");
        if (text.Length is 0 or > MaxChars)
        {
            throw new ToolArgumentException($"'text' must be 1 to {MaxChars} characters");
        }

        var allowed = context.Definition?.SlackChannels ?? [];
        if (allowed.Count > 0 && !IsOwnerDirect(channel) && !allowed.Contains(channel, StringComparer.Ordinal))
        {
            throw new ToolArgumentException($"agent '{context.Agent}' may not post in {channel} (its slack_channels: {string.Join(", ", allowed)})");
        }

        return (channel, text, ToolArguments.OptionalString(arguments, "thread_ts"));
    }
}
