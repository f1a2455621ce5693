using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Agents;

namespace MeshClaw.Tests.Slack;

/// <summary>The assistant agent `connect slack` writes loads as written, and slack_channels is read from agent files.</summary>
public sealed class AssistantAgentFileTests
{
    [Fact]
    public void AssistantFile_Loads_WithTheSlackToolsOnly()
    {
        var result = AgentFileParser.Parse("assistant.md", AssistantAgentFile.Text);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["slack.read", "slack.post", "slack.react"], result.Agent!.Tools);
    }

    [Fact]
    public void SlackChannels_AreReadFromTheFrontMatter()
    {
        var result = AgentFileParser.Parse("notifier.md", "---\nname: notifier\ntools: [slack.post]\nslack_channels: [C0TEAM, C0OPS]\n---\nPost updates.\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["C0TEAM", "C0OPS"], result.Agent!.SlackChannels);
    }
}
