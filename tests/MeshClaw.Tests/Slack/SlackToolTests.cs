using System.Text.Json;
using MeshClaw.Connectors.Slack;
using MeshClaw.Connectors.Slack.Tools;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Testing.Slack;

namespace MeshClaw.Tests.Slack;

/// <summary>The Slack tools' plans (risk, inverse, where they may post) and what they do against the fake workspace.</summary>
public sealed class SlackToolTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private FakeSlackServer _slack = null!;
    private SlackConnections _connections = null!;
    private SlackSettings _settings = null!;

    private static string Dm => FakeSlackServer.DirectOf(Owner);

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        _connections = new SlackConnections(name => name == "SLACK_BOT_TOKEN" ? FakeSlackServer.BotToken : null, TimeProvider.System);
        _settings = new SlackSettings { ApiBaseUrl = _slack.ApiBaseUrl, Owner = Owner, OwnerChannel = Dm, BotUserId = FakeSlackServer.BotUserId };
    }

    public async Task DisposeAsync()
    {
        _connections.Dispose();
        await _slack.DisposeAsync();
    }

    private static ToolContext Context(params string[] slackChannels) =>
        new("assistant", RunId.New(TimeProvider.System), Path.GetTempPath(), TimeProvider.System)
        {
            Definition = new AgentDefinition { Name = "assistant", Instructions = "", SourcePath = "assistant.md", SlackChannels = slackChannels },
        };

    private static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public async Task PostToTheOwnersDm_IsAReversibleWrite_UndoneByDeletingTheMessage()
    {
        var post = new SlackPostTool(_settings, _connections);
        var args = Args("""{"channel":"dm","text":"reminder: dentist at 4"}""");

        var plan = await post.PrepareAsync(args, Context(), CancellationToken.None);
        var result = await post.InvokeAsync(args, Context(), CancellationToken.None);

        Assert.Equal(ToolRisk.ReversibleWrite, plan.Risk);
        Assert.Equal("slack_delete", result.Inverse!.Tool);
        var posted = _slack.Messages.Single(m => m.Text == "reminder: dentist at 4");
        await new SlackDeleteTool(_settings, _connections).InvokeAsync(result.Inverse.Arguments, Context() with { IsUndo = true }, CancellationToken.None);
        Assert.True(_slack.Messages.Single(m => m.Ts == posted.Ts).Deleted);
    }

    [Fact]
    public async Task PostAnywhereElse_SendsOutside_AndHasNoInverse()
    {
        var post = new SlackPostTool(_settings, _connections);
        var args = Args("""{"channel":"C0GENERAL","text":"hello all"}""");

        var plan = await post.PrepareAsync(args, Context(), CancellationToken.None);
        var result = await post.InvokeAsync(args, Context(), CancellationToken.None);

        Assert.Equal(ToolRisk.SendsOutside, plan.Risk);
        Assert.Null(result.Inverse);
    }

    [Fact]
    public async Task SlackChannels_LimitWhereTheAgentMayPost_ButNeverTheOwnersDm()
    {
        var post = new SlackPostTool(_settings, _connections);

        await Assert.ThrowsAsync<ToolArgumentException>(() => post.PrepareAsync(Args("""{"channel":"C0GENERAL","text":"x"}"""), Context("C0TEAM"), CancellationToken.None));
        Assert.Equal(ToolRisk.SendsOutside, (await post.PrepareAsync(Args("""{"channel":"C0TEAM","text":"x"}"""), Context("C0TEAM"), CancellationToken.None)).Risk);
        Assert.Equal(ToolRisk.ReversibleWrite, (await post.PrepareAsync(Args("""{"channel":"dm","text":"x"}"""), Context("C0TEAM"), CancellationToken.None)).Risk);
    }

    [Fact]
    public async Task Delete_RefusesAnythingButTheOwnersDm()
    {
        var ts = _slack.Seed("C0GENERAL", "U0ALICE", "someone else's words");

        await Assert.ThrowsAsync<ToolArgumentException>(() => new SlackDeleteTool(_settings, _connections).InvokeAsync(
            Args($$"""{"channel":"C0GENERAL","ts":"{{ts}}"}"""), Context(), CancellationToken.None));
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.delete");
    }

    [Fact]
    public async Task Read_ReturnsTheThreadAsUntrustedContent()
    {
        var parent = _slack.Seed("C0GENERAL", "U0ALICE", "deploy tonight?");
        _slack.Seed("C0GENERAL", "U0BOB", "yes, 22:00", threadTs: parent);

        var result = await new SlackReadTool(_settings, _connections).InvokeAsync(Args($$"""{"channel":"C0GENERAL","thread_ts":"{{parent}}"}"""), Context(), CancellationToken.None);

        Assert.True(result.Untrusted);
        Assert.Contains("U0ALICE: deploy tonight?", result.Content, StringComparison.Ordinal);
        Assert.Contains("U0BOB: yes, 22:00", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task React_IsUndoneByRemovingTheReaction()
    {
        var react = new SlackReactTool(_settings, _connections);
        var plan = await react.PrepareAsync(Args("""{"channel":"C0GENERAL","ts":"1.2","emoji":":eyes:"}"""), Context(), CancellationToken.None);

        await react.InvokeAsync(plan.Inverse!.Arguments, Context() with { IsUndo = true }, CancellationToken.None);

        Assert.Equal(ToolRisk.ReversibleWrite, plan.Risk);
        Assert.Contains(_slack.Calls, c => c.Method == "reactions.remove" && c.Arg("name") == "eyes");
    }
}
