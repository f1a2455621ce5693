using MeshClaw.Connectors.Slack;
using MeshClaw.Testing.Slack;

namespace MeshClaw.Tests.Slack;

/// <summary>The Web API client against the fake workspace: Slack's answer shapes, pagination and rate limits.</summary>
public sealed class SlackClientTests : IAsyncLifetime
{
    private FakeSlackServer _slack = null!;
    private SlackConnections _connections = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        _connections = new SlackConnections(_ => null, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _connections.Dispose();
        await _slack.DisposeAsync();
    }

    private SlackClient Bot(string token = FakeSlackServer.BotToken) => _connections.WithToken(_slack.ApiBaseUrl, token);

    [Fact]
    public async Task History_FollowsNextCursor_UntilTheLimit()
    {
        for (var i = 0; i < 5; i++)
        {
            _slack.Seed("C0GENERAL", "U0ALICE", $"message {i}");
        }

        var messages = await Bot().HistoryAsync("C0GENERAL", 5, CancellationToken.None);

        Assert.Equal(["message 4", "message 3", "message 2", "message 1", "message 0"], messages.Select(m => m.Text));
        Assert.Equal(3, _slack.Calls.Count(c => c.Method == "conversations.history"));
        Assert.Contains(_slack.Calls, c => c.Method == "conversations.history" && c.Arg("cursor") == "2");
    }

    [Fact]
    public async Task RateLimited_IsRetriedAfterRetryAfter_AndThenSucceeds()
    {
        _slack.RateLimit("chat.postMessage", 1);

        var posted = await Bot().PostMessageAsync("C0GENERAL", "hello", null, null, CancellationToken.None);

        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
        Assert.Contains(_slack.Messages, m => m.Ts == posted.Ts && m.Text == "hello");
    }

    [Fact]
    public async Task MissingScope_NamesTheScopeSlackSaidWasNeeded()
    {
        _slack.Scopes.Remove("reactions:write");

        var ex = await Assert.ThrowsAsync<SlackApiException>(() => Bot().ReactAsync("C0GENERAL", "1.2", "eyes", CancellationToken.None));

        Assert.Equal("missing_scope", ex.Error);
        Assert.Equal("reactions:write", ex.Needed);
    }

    [Fact]
    public async Task BadToken_IsInvalidAuth_AndTheTokenTravelsAsABearer()
    {
        var ex = await Assert.ThrowsAsync<SlackApiException>(() => Bot("xoxb-wrong").AuthTestAsync(CancellationToken.None));

        Assert.Equal("invalid_auth", ex.Error);
        Assert.Equal("xoxb-wrong", _slack.Calls.Single().Token);
    }
}
