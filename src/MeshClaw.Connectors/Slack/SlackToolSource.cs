using MeshClaw.Connectors.Slack.Tools;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Slack;

/// <summary>The Slack tools, built from the "slack" section of one config version.</summary>
public sealed class SlackToolSource(SlackConnections connections) : IToolSource
{
    public IEnumerable<IAgentTool> CreateTools(ConfigSections config)
    {
        var settings = config.Get<SlackSettings>();
        return [new SlackReadTool(settings, connections), new SlackPostTool(settings, connections), new SlackReactTool(settings, connections), new SlackDeleteTool(settings, connections)];
    }
}
