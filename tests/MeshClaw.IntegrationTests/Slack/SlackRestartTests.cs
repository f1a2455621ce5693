using System.Text.Json.Nodes;
using Dapper;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Channels;
using MeshClaw.Storage.Secrets;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Testing;
using MeshClaw.Testing.Slack;

namespace MeshClaw.IntegrationTests.Slack;

/// <summary>
/// A real `meshclaw up` that is killed, restarted, or loses its Socket Mode connection: queued notifications are delivered
/// once each after the restart (one posted just before the kill is found, not posted again), and events that arrive again
/// on a new connection are handled once.
/// </summary>
public sealed class SlackRestartTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);
    private readonly TestHome _home = new();
    private ScriptedModelServer _model = null!;
    private FakeSlackServer _slack = null!;
    private GatewayProcess? _gateway;

    private static string Dm => FakeSlackServer.DirectOf(Owner);
    private string Database => Path.Combine(_home.Root, "meshclaw.db");

    public async Task InitializeAsync()
    {
        _model = await ScriptedModelServer.StartAsync();
        _slack = await FakeSlackServer.StartAsync();
        _home.OpenAIModel("main", _model.OpenAIBaseUrl, "scripted-assistant")
            .Config("slack", new JsonObject
            {
                ["apiBaseUrl"] = _slack.ApiBaseUrl.ToString(), ["owner"] = Owner, ["ownerChannel"] = Dm, ["botUserId"] = FakeSlackServer.BotUserId,
                ["pacePercent"] = 5,
            })
            .Agent("assistant", "model: main");
        var secrets = new FileSecretStore(_home.Root);
        secrets.Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
        secrets.Set("SLACK_APP_TOKEN", FakeSlackServer.AppToken);
        _gateway = await GatewayProcess.StartAsync(_home.Root);
        await _slack.WaitAsync(() => _slack.Connections >= 1 ? "connected" : null, Timeout);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _slack.DisposeAsync();
        await _model.DisposeAsync();
        _home.Dispose();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await new SqliteDatabase(Database).OpenAsync(default);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private SlackPosted[] Notices => [.. _slack.Messages.Where(m => m.Channel == Dm && m.Text.StartsWith("notice ", StringComparison.Ordinal))];

    [Fact]
    public async Task KilledRightAfterSlackTookAPost_TheRestartFindsIt_AndDeliversTheQueueOnceEach_InOrder()
    {
        // The first post takes effect in Slack but its answer never comes back: the gateway is killed waiting for it.
        _slack.HoldAfterEffect("chat.postMessage", 1);
        var outbox = new SqliteOutbox(new SqliteDatabase(Database));
        for (var i = 0; i < 5; i++)
        {
            await outbox.EnqueueAsync($"notice:{i}", "alert", $"notice {i}", DateTimeOffset.UtcNow, CancellationToken.None);
        }

        await _slack.WaitAsync(() => Notices.Length == 1 ? "the first notice posted" : null, Timeout);
        await _gateway!.KillHardAsync();
        await _gateway.DisposeAsync();
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM outbox_deliveries"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM outbox_attempts WHERE in_doubt = 1"));

        _gateway = await GatewayProcess.StartAsync(_home.Root);

        await _slack.WaitAsync(() => Notices.Length >= 5 ? "five notices" : null, Timeout);
        await Eventually.GetAsync(async () => await CountAsync("SELECT COUNT(*) FROM outbox_deliveries WHERE channel = 'slack'") == 5 ? "recorded" : null, Timeout,
            "all five deliveries recorded");
        Assert.Equal(["notice 0", "notice 1", "notice 2", "notice 3", "notice 4"], Notices.Select(m => m.Text));
        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage" && c.Arg("text") == "notice 0");
        Assert.Contains(_slack.Calls, c => c.Method == "conversations.history" && c.Arg("channel") == Dm);
    }

    [Fact]
    public async Task SocketDroppedMidStream_Reconnects_AndEventsDeliveredAgainAreHandledOnce()
    {
        var first = await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID1");
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID2");
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID3");
        // Dropped with the stream under way: the first envelope acknowledged, the others perhaps read, perhaps not.
        await _slack.WaitAsync(() => _slack.Acks.Contains(first) ? "the first ack" : null, Timeout);
        _slack.Drop();
        await _slack.WaitAsync(() => _slack.Connections >= 2 ? "reconnected" : null, Timeout);

        // Slack sends again what it may not have had acknowledged, in new envelopes, with the same event ids; then a new event.
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID2");
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID3");
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID4");

        await _slack.WaitAsync(() => _slack.Messages.Count(m => m.User == FakeSlackServer.BotUserId && m.Text.StartsWith("Running", StringComparison.Ordinal)) >= 4 ? "four answers" : null, Timeout);
        // A barrier: a fifth event answered means every envelope before it was dealt with.
        await _slack.SendMessageEventAsync(Owner, Dm, "status", eventId: "EvMID5");
        await _slack.WaitAsync(() => _slack.Messages.Count(m => m.User == FakeSlackServer.BotUserId && m.Text.StartsWith("Running", StringComparison.Ordinal)) >= 5 ? "five answers" : null, Timeout);
        await Eventually.GetAsync(async () => await CountAsync("SELECT COUNT(*) FROM audit WHERE kind = 'slack.command'") >= 5 ? "audited" : null, Timeout, "five commands audited");

        Assert.Equal(5, _slack.Messages.Count(m => m.User == FakeSlackServer.BotUserId && m.Text.StartsWith("Running", StringComparison.Ordinal)));
        Assert.Equal(5, await CountAsync("SELECT COUNT(*) FROM audit WHERE kind = 'slack.command'"));
        Assert.Equal(5, await CountAsync("SELECT COUNT(*) FROM inbound_events WHERE event_id LIKE 'EvMID%'"));
    }
}
