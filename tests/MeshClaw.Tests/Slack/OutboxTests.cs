using System.Text.Json.Nodes;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Security;
using MeshClaw.Testing.Slack;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Slack;

/// <summary>
/// The outbox: queued once per key, listed for the dashboard, delivered to the owner's Slack DM once each, in order,
/// through 429s, cut connections and restarts; a notification Slack refuses for good is failed with its error and never
/// holds up the others.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private FakeSlackServer _slack = null!;
    private TestMeshClaw _meshClaw = null!;

    private static string Dm => FakeSlackServer.DirectOf(Owner);
    private IOutbox Outbox => _meshClaw.Get<IOutbox>();

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        // Every wait of Slack's tiers and Retry-After at 1% of Slack's own, so the fake's 1 s Retry-After is 10 ms.
        var slack = new JsonObject { ["apiBaseUrl"] = _slack.ApiBaseUrl.ToString(), ["owner"] = Owner, ["ownerChannel"] = Dm, ["pacePercent"] = 1 };
        _meshClaw = await TestMeshClaw.CreateAsync(config: new JsonObject { ["slack"] = slack }.ToJsonString());
        _meshClaw.Get<ISecretStore>().Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _meshClaw.DisposeAsync();
    }

    /// <summary>A delivery as a fresh gateway would have it: its own client and rate tiers, on the given clock (the real one by default).</summary>
    private SlackOutboxDelivery NewDelivery(SlackConnections connections, TimeProvider? time = null, ICurrentConfig? config = null, SlackDeliveryHealth? health = null) =>
        new(Outbox, config ?? _meshClaw.Get<ICurrentConfig>(), connections, _meshClaw.Get<IApprovalStore>(), _meshClaw.Get<ISecretStore>(), health ?? new SlackDeliveryHealth(),
            time ?? TimeProvider.System, NullLogger<SlackOutboxDelivery>.Instance);

    private SlackConnections NewConnections() => new(_meshClaw.Get<ISecretStore>().Get, TimeProvider.System);

    private async Task QueueAsync(int count, string prefix = "alert")
    {
        for (var i = 0; i < count; i++)
        {
            await Outbox.EnqueueAsync($"{prefix}:{i}", "alert", $"{prefix} {i}", _meshClaw.Time.GetUtcNow(), CancellationToken.None);
        }
    }

    private IEnumerable<string> DmTexts => _slack.Messages.Where(m => m.Channel == Dm).Select(m => m.Text);

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
        await QueueAsync(20);

        // More 429s in a row than the client waits out: the first round stops where it is, with nothing lost.
        _slack.RateLimit("chat.postMessage", 4);
        using (var before = NewConnections())
        {
            Assert.Equal(0, await NewDelivery(before).DeliverAsync(CancellationToken.None));
        }

        // As after a restart: a new delivery over the same store goes on from the first undelivered notification.
        using var after = NewConnections();
        Assert.Equal(20, await NewDelivery(after).DeliverAsync(CancellationToken.None));
        Assert.Equal(0, await NewDelivery(after).DeliverAsync(CancellationToken.None));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"alert {i}"), DmTexts);
        Assert.All(await Outbox.RecentAsync(20, CancellationToken.None), n => Assert.True(n.DeliveredTo.ContainsKey("slack")));
        // 4 refused, 20 accepted: every 429 was answered by waiting, none by skipping a notification.
        Assert.Equal(24, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
    }

    [Fact]
    public async Task PostCutBeforeItsAnswer_ThenARestart_IsFoundInTheDm_NotPostedAgain()
    {
        await QueueAsync(3);
        // Slack posts the first notification, but MeshClaw never hears so (a kill, a cut connection): the attempt stays in doubt.
        _slack.CutAfterEffect("chat.postMessage", 1);
        using (var before = NewConnections())
        {
            Assert.Equal(0, await NewDelivery(before).DeliverAsync(CancellationToken.None));
        }

        Assert.True((await Outbox.AttemptAsync((await Outbox.FindAsync("alert:0", CancellationToken.None))!.Id, "slack", CancellationToken.None))!.InDoubt);

        using var after = NewConnections();
        Assert.Equal(3, await NewDelivery(after).DeliverAsync(CancellationToken.None));

        Assert.Equal(["alert 0", "alert 1", "alert 2"], DmTexts);
        Assert.Contains(_slack.Calls, c => c.Method == "conversations.history" && c.Arguments["include_all_metadata"]?.GetValue<string>() == "true");
        var first = await Outbox.FindAsync("alert:0", CancellationToken.None);
        Assert.Equal($"{Dm} {_slack.Messages.First(m => m.Text == "alert 0").Ts}", first!.DeliveredTo["slack"]);
    }

    [Fact]
    public async Task RefusedForGood_FailsThatNotification_NamingTheError_AndTheOthersGoOn()
    {
        await QueueAsync(3);
        _slack.RefusePost = (_, text) => text == "alert 1" ? "msg_too_long" : null;
        var health = new SlackDeliveryHealth();
        using var connections = NewConnections();
        var delivery = NewDelivery(connections, health: health);

        Assert.Equal(2, await delivery.DeliverAsync(CancellationToken.None));
        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));

        Assert.Equal(["alert 0", "alert 2"], DmTexts);
        // Tried once, not every second.
        Assert.Equal(3, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
        var failed = Assert.Single(await Outbox.FailedAsync("slack", 10, CancellationToken.None));
        Assert.Equal(("alert:1", "msg_too_long"), (failed.Key, failed.Error));
        Assert.Contains("msg_too_long", health.Now.LastFailure, StringComparison.Ordinal);
        var row = Assert.Single(new SlackStatus(health).Rows(_meshClaw.Get<ICurrentConfig>().Sections));
        Assert.Contains("1 notification(s) not delivered (last: alert alert:1: msg_too_long)", row.Details, StringComparison.Ordinal);
        var findings = await new SlackDoctor(_meshClaw.Get<ISecretStore>(), Outbox).CheckAsync(_meshClaw.Home, _meshClaw.Get<ICurrentConfig>().Sections, CancellationToken.None);
        var finding = Assert.Single(findings, f => f.Severity == Severity.Medium);
        Assert.Contains("alert:1: msg_too_long", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedToken_FailsOneNotification_AndHoldsTheRestUntilTheTokenChanges()
    {
        await QueueAsync(3);
        var secrets = _meshClaw.Get<ISecretStore>();
        secrets.Set("SLACK_BOT_TOKEN", "xoxb-revoked");
        var health = new SlackDeliveryHealth();
        using var connections = NewConnections();
        var delivery = NewDelivery(connections, health: health);

        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));
        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));

        Assert.Equal(1, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
        Assert.Contains("invalid_auth", health.Now.Waiting, StringComparison.Ordinal);

        secrets.Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
        Assert.Equal(2, await delivery.DeliverAsync(CancellationToken.None));
        Assert.Equal(["alert 1", "alert 2"], DmTexts);
        Assert.Equal("invalid_auth", Assert.Single(await Outbox.FailedAsync("slack", 10, CancellationToken.None)).Error);
    }

    [Fact]
    public async Task SlackInTrouble_BacksOffExponentially_WithoutCallingInBetween()
    {
        await QueueAsync(2);
        var failures = 2;
        _slack.RefusePost = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? "internal_error" : null;
        var config = new FixedConfig(new SlackSettings { ApiBaseUrl = _slack.ApiBaseUrl, Owner = Owner, OwnerChannel = Dm });
        using var connections = NewConnections();
        var delivery = NewDelivery(connections, _meshClaw.Time, config);

        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));
        // 2 s after the first failure, 4 s after the second: nothing is sent before its time.
        _meshClaw.Time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));
        Assert.Equal(1, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
        _meshClaw.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));
        _meshClaw.Time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.Equal(0, await delivery.DeliverAsync(CancellationToken.None));
        Assert.Equal(2, _slack.Calls.Count(c => c.Method == "chat.postMessage"));
        _meshClaw.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, await delivery.DeliverAsync(CancellationToken.None));

        Assert.Equal(["alert 0", "alert 1"], DmTexts);
        Assert.Empty(await Outbox.FailedAsync("slack", 10, CancellationToken.None));
    }

    [Fact]
    public async Task RateLimitedForLongerThanEightRounds_IsWaitedOut_NeverFailed()
    {
        await QueueAsync(2);
        // Each round's client tries four times; forty 429s in a row last ten rounds.
        _slack.RateLimit("chat.postMessage", 40);
        using var connections = NewConnections();
        var delivery = NewDelivery(connections, _meshClaw.Time);

        var delivered = 0;
        for (var round = 0; round < 12 && delivered < 2; round++)
        {
            delivered += await delivery.DeliverAsync(CancellationToken.None);
            _meshClaw.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, delivered);
        Assert.Empty(await Outbox.FailedAsync("slack", 10, CancellationToken.None));
        Assert.Equal(["alert 0", "alert 1"], DmTexts);
    }

    [Fact]
    public async Task TwoHundredNotifications_ThroughA429Storm_AreEachDeliveredOnce_InOrder()
    {
        await QueueAsync(200, "storm");
        // A burst longer than the client waits out, then a 429 on every 7th call, and one post cut after it took effect.
        _slack.RateLimit("chat.postMessage", 5);
        _slack.RateLimitEvery("chat.postMessage", 7);
        _slack.CutAfterEffect("chat.postMessage", 1);
        using var connections = NewConnections();
        var delivery = NewDelivery(connections);

        await delivery.StartAsync(CancellationToken.None);
        try
        {
            await _slack.WaitAsync(() => DmTexts.Count() >= 200 ? "200 posts" : null, Timeout);
        }
        finally
        {
            await delivery.StopAsync(CancellationToken.None);
        }

        // Stopped perhaps between the last post and its record: the next start records it by looking, and posts nothing.
        await NewDelivery(connections).DeliverAsync(CancellationToken.None);
        Assert.Empty(await Outbox.UndeliveredAsync("slack", 10, CancellationToken.None));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"storm {i}"), DmTexts);
        Assert.Empty(await Outbox.FailedAsync("slack", 10, CancellationToken.None));
        Assert.True(_slack.Calls.Count(c => c.Method == "chat.postMessage") > 220, "the storm refused some calls");
    }

    [Fact]
    public async Task SlackNotConnected_NothingIsDelivered_AndTheDashboardStillListsIt()
    {
        await Outbox.EnqueueAsync("digest:run-2", "inbox.digest", "nothing urgent", _meshClaw.Time.GetUtcNow(), CancellationToken.None);
        using var connections = NewConnections();

        var delivered = await NewDelivery(connections, config: new FixedConfig(new SlackSettings())).DeliverAsync(CancellationToken.None);

        Assert.Equal(0, delivered);
        Assert.Empty(_slack.Calls);
        Assert.Single(await Outbox.RecentAsync(10, CancellationToken.None));
    }

    private sealed class FixedConfig(SlackSettings settings) : ICurrentConfig
    {
        public ConfigSections Sections { get; } = new(new Dictionary<Type, object> { [typeof(SlackSettings)] = settings });
    }
}
