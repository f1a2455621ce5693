using System.Text.Json.Nodes;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Security;
using MeshClaw.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Slack;

/// <summary>The outbox: queued once per key, listed for the dashboard, delivered to the owner's Slack DM once each, in order, through 429s and restarts.</summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private FakeSlackServer _slack = null!;
    private TestMeshClaw _meshClaw = null!;

    private static string Dm => FakeSlackServer.DirectOf(Owner);
    private IOutbox Outbox => _meshClaw.Get<IOutbox>();

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        var slack = new JsonObject { ["apiBaseUrl"] = _slack.ApiBaseUrl.ToString(), ["owner"] = Owner, ["ownerChannel"] = Dm };
        _meshClaw = await TestMeshClaw.CreateAsync(config: new JsonObject { ["slack"] = slack }.ToJsonString());
        _meshClaw.Get<ISecretStore>().Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _meshClaw.DisposeAsync();
    }

    /// <summary>A delivery as a fresh gateway would have it: its own client, on the real clock (Retry-After is waited out for real).</summary>
    private SlackOutboxDelivery NewDelivery(SlackConnections connections) =>
        new(Outbox, _meshClaw.Get<ICurrentConfig>(), connections, TimeProvider.System, NullLogger<SlackOutboxDelivery>.Instance);

    [Fact]
    public async Task SameKeyTwice_IsQueuedOnce_AndTheDashboardListIsNewestFirst()
    {
        Assert.True(await Outbox.EnqueueAsync("digest:run-1", "inbox.digest", "3 filed", _meshClaw.Time.GetUtcNow(), CancellationToken.None));
        Assert.False(await Outbox.EnqueueAsync("digest:run-1", "inbox.digest", "3 filed", _meshClaw.Time.GetUtcNow(), CancellationToken.None));
        Assert.True(await Outbox.EnqueueAsync("alert:disk", "alert", "disk 91% full", _meshClaw.Time.GetUtcNow(), CancellationToken.None));

        var listed = await Outbox.RecentAsync(10, CancellationToken.None);

        Assert.Equal(["alert:disk", "digest:run-1"], listed.Select(n => n.Key));
    }

    [Fact]
    public async Task RateLimitStorm_ThenARestart_EveryNotificationIsDeliveredOnce_InOrder()
    {
        for (var i = 0; i < 20; i++)
        {
            await Outbox.EnqueueAsync($"alert:{i}", "alert", $"alert {i}", _meshClaw.Time.GetUtcNow(), CancellationToken.None);
        }

        // More 429s in a row than the client waits out: the first round stops where it is, with nothing lost.
        _slack.RateLimit("chat.postMessage", 4);
        using (var before = new SlackConnections(_meshClaw.Get<ISecretStore>().Get, TimeProvider.System))
        {
            Assert.Equal(0, await NewDelivery(before).DeliverAsync(CancellationToken.None));
        }

        // As after a restart: a new delivery over the same store goes on from the first undelivered notification.
        using var after = new SlackConnections(_meshClaw.Get<ISecretStore>().Get, TimeProvider.System);
        Assert.Equal(20, await NewDelivery(after).DeliverAsync(CancellationToken.None));
        Assert.Equal(0, await NewDelivery(after).DeliverAsync(CancellationToken.None));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"alert {i}"), _slack.Messages.Where(m => m.Channel == Dm).Select(m => m.Text));
        Assert.All(await Outbox.RecentAsync(20, CancellationToken.None), n => Assert.True(n.DeliveredTo.ContainsKey("slack")));
        // 4 refused, 20 accepted: every 429 was answered by waiting, none by skipping a notification.
        Assert.Equal(24, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
    }

    [Fact]
    public async Task SlackNotConnected_NothingIsDelivered_AndTheDashboardStillListsIt()
    {
        await Outbox.EnqueueAsync("digest:run-2", "inbox.digest", "nothing urgent", _meshClaw.Time.GetUtcNow(), CancellationToken.None);
        using var connections = new SlackConnections(_meshClaw.Get<ISecretStore>().Get, TimeProvider.System);
        var config = new FixedConfig(new SlackSettings());

        var delivered = await new SlackOutboxDelivery(Outbox, config, connections, TimeProvider.System, NullLogger<SlackOutboxDelivery>.Instance).DeliverAsync(CancellationToken.None);

        Assert.Equal(0, delivered);
        Assert.Empty(_slack.Calls);
        Assert.Single(await Outbox.RecentAsync(10, CancellationToken.None));
    }

    private sealed class FixedConfig(SlackSettings settings) : ICurrentConfig
    {
        public ConfigSections Sections { get; } = new(new Dictionary<Type, object> { [typeof(SlackSettings)] = settings });
    }
}
