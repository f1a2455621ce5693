using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Slack.Tools;

/// <summary>What every Slack tool shares: the bot's client, and "dm" as the owner's direct-message conversation.</summary>
public abstract class SlackTool(SlackSettings settings, SlackConnections connections) : IAgentTool
{
    public abstract string Name { get; }
    public abstract string Capability { get; }
    public abstract ToolRisk Risk { get; }
    public abstract string Description { get; }
    public abstract JsonElement ParametersSchema { get; }

    protected SlackSettings Settings => settings;

    public virtual Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ToolCallPlan(Risk) { Target = Channel(arguments) });

    public abstract Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken);

    protected SlackClient Client() =>
        settings.Connected ? connections.Bot(settings) : throw new ToolArgumentException("Slack is not connected; the user can connect it with: meshclaw connect slack");

    /// <summary>The conversation id the call names; "dm" is the owner's DM.</summary>
    protected string Channel(JsonElement arguments)
    {
        var channel = ToolArguments.RequiredString(arguments, "channel").Trim();
        return channel is "dm" or "owner"
            ? settings.OwnerChannel ?? throw new ToolArgumentException("the owner's DM is not known; reconnect with: meshclaw connect slack")
            : channel;
    }

    protected bool IsOwnerDirect(string channel) => settings.OwnerChannel is not null && channel == settings.OwnerChannel;

    protected static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement;
}
