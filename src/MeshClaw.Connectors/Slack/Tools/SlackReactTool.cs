using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Slack.Tools;

/// <summary>Adds an emoji reaction to a message (or removes one with 'remove'); undone by the opposite.</summary>
public sealed class SlackReactTool(SlackSettings settings, SlackConnections connections) : SlackTool(settings, connections)
{
    public override string Name => "slack_react";
    public override string Capability => "slack.react";
    public override ToolRisk Risk => ToolRisk.ReversibleWrite;
    public override string Description => "Adds the emoji reaction 'emoji' (a name like eyes or white_check_mark) to the message 'ts' in 'channel'; 'remove': true takes it away.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"channel":{"type":"string"},"ts":{"type":"string"},"emoji":{"type":"string"},"remove":{"type":"boolean"}},"required":["channel","ts","emoji"],"additionalProperties":false}
        """);

    public override Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (channel, ts, emoji, remove) = Resolve(arguments);
        return Task.FromResult(new ToolCallPlan(Risk)
        {
            Target = $"{ts} in {channel}",
            Inverse = new ToolInverse(Name, JsonSerializer.SerializeToElement(new { channel, ts, emoji, remove = !remove })),
        });
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (channel, ts, emoji, remove) = Resolve(arguments);
        if (remove)
        {
            await Client().UnreactAsync(channel, ts, emoji, cancellationToken);
        }
        else
        {
            await Client().ReactAsync(channel, ts, emoji, cancellationToken);
        }

        return new ToolResult($"{(remove ? "removed" : "added")} :{emoji}: on {ts} in {channel}");
    }

    private (string Channel, string Ts, string Emoji, bool Remove) Resolve(JsonElement arguments)
    {
        var emoji = ToolArguments.RequiredString(arguments, "emoji").Trim(':');
        if (emoji.Length == 0 || !emoji.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+'))
        {
            throw new ToolArgumentException($"'{emoji}' is not an emoji name");
        }

        return (Channel(arguments), ToolArguments.RequiredString(arguments, "ts"), emoji, ToolArguments.OptionalBoolean(arguments, "remove") ?? false);
    }
}
