using MeshClaw.Connectors.Slack;
using MeshClaw.Testing.Slack;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests.Slack;

/// <summary>The streamed answer edits one message: the first text at once, then at most once a second.</summary>
public sealed class StreamedReplyTests : IAsyncLifetime
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

    [Fact]
    public async Task Deltas_AreEditedIn_AtMostOnceASecond()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var client = _connections.WithToken(_slack.ApiBaseUrl, FakeSlackServer.BotToken);
        var message = await client.PostMessageAsync("DU0OWNER1", "working on it", null, null, CancellationToken.None);
        var reply = new StreamedReply(client, message, time);

        await reply.OnTextAsync("Your ", CancellationToken.None);
        await reply.OnTextAsync("next ", CancellationToken.None);
        await reply.OnTextAsync("meeting ", CancellationToken.None);
        Assert.Equal(1, reply.Edits);

        time.Advance(TimeSpan.FromSeconds(1));
        await reply.OnTextAsync("is at 3.", CancellationToken.None);

        Assert.Equal(2, reply.Edits);
        Assert.Equal("Your next meeting is at 3. …", _slack.Messages.Single(m => m.Ts == message.Ts).Text);
    }
}
