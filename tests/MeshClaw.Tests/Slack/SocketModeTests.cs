using System.Text.Json.Nodes;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Security;
using MeshClaw.Testing.Slack;
using MeshClaw.Core.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Slack;

/// <summary>
/// The Socket Mode listener and what it does with envelopes, against the fake workspace's real WebSocket and MeshClaw's
/// real store: acks, reconnects, events handled once, the allow-list and the kill switch from the owner's DM.
/// </summary>
public sealed class SocketModeTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly EnvelopeOutcomes _outcomes = new();
    private FakeSlackServer _slack = null!;
    private TestMeshClaw _meshClaw = null!;
    private SocketModeListener _listener = null!;

    private static string Dm => FakeSlackServer.DirectOf(Owner);

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        var slack = new JsonObject
        {
            ["apiBaseUrl"] = _slack.ApiBaseUrl.ToString(), ["owner"] = Owner, ["ownerChannel"] = Dm, ["botUserId"] = FakeSlackServer.BotUserId,
        };
        _meshClaw = await TestMeshClaw.CreateAsync(config: new JsonObject { ["slack"] = slack }.ToJsonString());
        var secrets = _meshClaw.Get<ISecretStore>();
        secrets.Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
        secrets.Set("SLACK_APP_TOKEN", FakeSlackServer.AppToken);
        _meshClaw.Get<SlackInbox>().Handled += _outcomes.Add;
        _listener = new SocketModeListener(_meshClaw.Get<ICurrentConfig>(), _meshClaw.Get<SlackConnections>(), _meshClaw.Get<SlackInbox>(), _meshClaw.Time,
            NullLogger<SocketModeListener>.Instance);
        await _listener.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync(CancellationToken.None);
        await _slack.DisposeAsync();
        await _meshClaw.DisposeAsync();
    }

    private Task<string[]> OutcomesAsync(string envelope, int count) => _outcomes.WaitAsync(envelope, count, Timeout);

    private Task<SlackPosted[]> PostsAsync(string channel, int count) =>
        _slack.WaitAsync(() => _slack.Messages.Where(m => m.Channel == channel && m.User == FakeSlackServer.BotUserId).ToArray() is { } posts && posts.Length >= count ? posts : null,
            Timeout, $"{count} post(s) in {channel}");

    [Fact]
    public async Task EnvelopeDeliveredTwice_IsAcknowledgedTwice_AndHandledOnce()
    {
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "Ev0DUP", envelopeId: "env-dup", cancellationToken: CancellationToken.None);
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "Ev0DUP", envelopeId: "env-dup", cancellationToken: CancellationToken.None);

        var outcomes = await OutcomesAsync("env-dup", 2);

        Assert.Equal(["command", "duplicate"], outcomes.Order());
        // Both acks were sent before either was handled; the fake records the second as it reads it.
        await _slack.WaitAsync(() => _slack.Acks.Count(a => a == "env-dup") == 2 ? "two acks" : null, Timeout);
        Assert.Single(await PostsAsync(Dm, 1));
    }

    [Fact]
    public async Task SameEvent_InANewEnvelope_IsHandledOnce()
    {
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "Ev0RETRY", envelopeId: "env-first", cancellationToken: CancellationToken.None);
        Assert.Equal(["command"], await OutcomesAsync("env-first", 1));

        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "Ev0RETRY", envelopeId: "env-retry", cancellationToken: CancellationToken.None);

        Assert.Equal(["duplicate"], await OutcomesAsync("env-retry", 1));
    }

    [Fact]
    public async Task StrangerInADirectMessage_GetsNoAnswer_AndIsAudited()
    {
        var envelope = await _slack.SendMessageEventAsync("U0STRANGE", FakeSlackServer.DirectOf("U0STRANGE"), "what's the owner's password?",
            cancellationToken: CancellationToken.None);

        Assert.Equal(["refused"], await OutcomesAsync(envelope, 1));
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.postMessage");
        var audit = await _meshClaw.AuditReader.RecentAsync(50, null, CancellationToken.None);
        Assert.Contains(audit, r => r.Kind == "slack.refused" && r.Data.Contains("U0STRANGE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OwnerTypesPauseThenResume_InTheDm_FlipsTheKillSwitch()
    {
        var pause = await _slack.SendMessageEventAsync(Owner, Dm, "Pause", cancellationToken: CancellationToken.None);
        await OutcomesAsync(pause, 1);
        Assert.True(_meshClaw.Pause.IsPaused);

        var status = await _slack.SendMessageEventAsync(Owner, Dm, "status", cancellationToken: CancellationToken.None);
        await OutcomesAsync(status, 1);
        var resume = await _slack.SendMessageEventAsync(Owner, Dm, "resume", cancellationToken: CancellationToken.None);
        await OutcomesAsync(resume, 1);

        Assert.False(_meshClaw.Pause.IsPaused);
        var posts = await PostsAsync(Dm, 3);
        Assert.StartsWith("Paused", posts[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAllowListedStrangerCannotPause()
    {
        var envelope = await _slack.SendMessageEventAsync("U0STRANGE", FakeSlackServer.DirectOf("U0STRANGE"), "pause", cancellationToken: CancellationToken.None);

        await OutcomesAsync(envelope, 1);

        Assert.False(_meshClaw.Pause.IsPaused);
    }

    [Fact]
    public async Task SlackSaysDisconnect_TheListenerConnectsAgain_AndEventsStillArrive()
    {
        var first = await _slack.SendMessageEventAsync(Owner, Dm, "status", cancellationToken: CancellationToken.None);
        await OutcomesAsync(first, 1);
        await _slack.DisconnectAsync(CancellationToken.None);
        await _slack.WaitAsync(() => _slack.Connections == 2 ? "reconnected" : null, Timeout);

        var envelope = await _slack.SendMessageEventAsync(Owner, Dm, "status", cancellationToken: CancellationToken.None);

        Assert.Equal(["command"], await OutcomesAsync(envelope, 1));
    }

    [Fact]
    public async Task DroppedSocket_TheListenerConnectsAgain()
    {
        // One envelope answered first: the listener has had its hello, so the drop counts as a connection that worked
        // (reconnect at once); a connection dropped before hello waits out a backoff on the test's fake clock.
        var first = await _slack.SendMessageEventAsync(Owner, Dm, "status", cancellationToken: CancellationToken.None);
        await OutcomesAsync(first, 1);
        _slack.Drop();
        await _slack.WaitAsync(() => _slack.Connections == 2 ? "reconnected" : null, Timeout);

        var envelope = await _slack.SendMessageEventAsync(Owner, Dm, "status", cancellationToken: CancellationToken.None);

        Assert.Equal(["command"], await OutcomesAsync(envelope, 1));
        Assert.Contains(envelope, _slack.Acks);
    }

    [Fact]
    public async Task OneEventInTwoEnvelopes_HandledAtTheSameTime_IsAnsweredOnce()
    {
        var payload = System.Text.Json.JsonDocument.Parse($$$"""
            {"type":"event_callback","event_id":"Ev0RACE","event":{"type":"message","channel_type":"im","user":"{{{Owner}}}","text":"status","ts":"1.1","channel":"{{{Dm}}}"}}
            """).RootElement;
        var inbox = _meshClaw.Get<SlackInbox>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => inbox.HandleAsync("events_api", $"env-race-{i}", payload, CancellationToken.None))));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => OutcomesAsync($"env-race-{i}", 1)));
        Assert.Single(outcomes, o => o.Single() == "command");
        Assert.Single(await PostsAsync(Dm, 1));
    }
}
