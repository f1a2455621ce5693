using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Slack.Tools;

/// <summary>Deletes a message MeshClaw posted in the owner's DM: the undo of slack_post there. Nowhere else.</summary>
public sealed class SlackDeleteTool(SlackSettings settings, SlackConnections connections) : SlackTool(settings, connections)
{
    public override string Name => "slack_delete";
    public override string Capability => "slack.post";
    public override ToolRisk Risk => ToolRisk.IrreversibleWrite;
    public override string Description => "Deletes a message MeshClaw posted in the user's DM ('channel' 'dm', 'ts').";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"channel":{"type":"string"},"ts":{"type":"string"}},"required":["channel","ts"],"additionalProperties":false}
        """);

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var channel = Channel(arguments);
        if (!IsOwnerDirect(channel))
        {
            throw new ToolArgumentException("slack_delete only deletes MeshClaw's own messages in the user's DM");
        }

        var ts = ToolArguments.RequiredString(arguments, "ts");
        await Client().DeleteAsync(channel, ts, cancellationToken);
        return new ToolResult($"deleted {ts} in {channel}");
    }
}
