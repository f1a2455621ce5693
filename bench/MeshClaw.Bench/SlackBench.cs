using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Security;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using MeshClaw.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Bench;

/// <summary>
/// Slack against the fake workspace on loopback and the scripted model at zero latency: MeshClaw's own overhead from a DM
/// event to the first streamed edit, events handled per second over Socket Mode, and outbox delivery throughput with a
/// 429 on every tenth call. Slack's rate tiers are switched off (pacePercent 0) or at 1% of Slack's own where said: with
/// Slack's real figures chat.postMessage allows one post a second per conversation, whatever MeshClaw does.
/// </summary>
public static class SlackBench
{
    private const string Owner = "U0OWNER1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static string Dm => FakeSlackServer.DirectOf(Owner);

    public static async Task RunAsync()
    {
        Console.WriteLine("== Slack (fake workspace on loopback, scripted model at zero latency)");
        await DirectMessageLatencyAsync(40);
        await SocketModeThroughputAsync(2000);
        await OutboxThroughputAsync(1000, pacePercent: 0);
        await OutboxThroughputAsync(1000, pacePercent: 1);
    }

    private static JsonObject SlackSection(FakeSlackServer slack, int pacePercent) => new()
    {
        ["apiBaseUrl"] = slack.ApiBaseUrl.ToString(), ["owner"] = Owner, ["ownerChannel"] = Dm, ["botUserId"] = FakeSlackServer.BotUserId, ["pacePercent"] = pacePercent,
    };

    private static async Task<(ScriptedModelServer Models, FakeSlackServer Slack, InProcessGateway Gateway)> GatewayAsync()
    {
        var models = await ScriptedModelServer.StartAsync();
        var slack = await FakeSlackServer.StartAsync();
        var gateway = await InProcessGateway.StartAsync(models, new Dictionary<string, string> { ["assistant"] = "model: main" },
            new JsonObject { ["slack"] = SlackSection(slack, 0) }, beforeStart: home =>
            {
                var secrets = new MeshClaw.Storage.Secrets.FileSecretStore(home.Root);
                secrets.Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
                secrets.Set("SLACK_APP_TOKEN", FakeSlackServer.AppToken);
            });
        await slack.WaitAsync(() => slack.Connections >= 1 ? "connected" : null, Timeout);
        return (models, slack, gateway);
    }

    private static async Task DirectMessageLatencyAsync(int count)
    {
        var (models, slack, gateway) = await GatewayAsync();
        try
        {
            models.For("scripted-main").ReplyAlways(ScriptedReply.Text("Your next meeting is at three, in the small room."));
            var toPost = new List<double>();
            var toEdit = new List<double>();
            for (var i = 0; i < count + 3; i++)
            {
                var clock = Stopwatch.StartNew();
                var text = $"question {i}";
                await slack.SendMessageEventAsync(Owner, Dm, text);
                var question = slack.Messages.Single(m => m.Text == text);
                var reply = await slack.WaitAsync(() => slack.Messages.FirstOrDefault(m => m.ThreadTs == question.Ts && m.User == FakeSlackServer.BotUserId), Timeout);
                var posted = clock.Elapsed.TotalMilliseconds;
                await slack.WaitAsync(() => slack.Calls.FirstOrDefault(c => c.Method == "chat.update" && c.Arg("ts") == reply.Ts), Timeout);
                var edited = clock.Elapsed.TotalMilliseconds;
                await slack.WaitAsync(() => slack.Messages.FirstOrDefault(m => m.Ts == reply.Ts && !m.Text.EndsWith(" …", StringComparison.Ordinal) && !m.Text.StartsWith("_working", StringComparison.Ordinal)), Timeout);
                if (i >= 3)
                {
                    // The first three warm the JIT, the connection pools and SQLite's caches.
                    toPost.Add(posted);
                    toEdit.Add(edited);
                }
            }

            Console.WriteLine($"DM event -> 'working on it' post: {Stats.Describe(toPost, "ms")}");
            Console.WriteLine($"DM event -> first streamed edit: {Stats.Describe(toEdit, "ms")}");
        }
        finally
        {
            await gateway.DisposeAsync();
            await slack.DisposeAsync();
            await models.DisposeAsync();
        }
    }

    private static async Task SocketModeThroughputAsync(int count)
    {
        var (models, slack, gateway) = await GatewayAsync();
        try
        {
            // The owner's "status": the event deduplicated (one insert), the approvals read, audited, answered in the DM.
            for (var i = 0; i < 20; i++)
            {
                await slack.SendMessageEventAsync(Owner, Dm, "status");
            }

            await slack.WaitAsync(() => Answers(slack) >= 20 ? "warm-up answers" : null, Timeout);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await slack.SendMessageEventAsync(Owner, Dm, "status");
            }

            await slack.WaitAsync(() => Answers(slack) >= count + 20 ? "all answers" : null, Timeout);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Socket Mode: {count} events (owner's status: dedupe, audit, answer) in {seconds:0.00} s = {count / seconds:0} events/s"));
        }
        finally
        {
            await gateway.DisposeAsync();
            await slack.DisposeAsync();
            await models.DisposeAsync();
        }
    }

    private static int Answers(FakeSlackServer slack) => slack.Messages.Count(m => m.User == FakeSlackServer.BotUserId && m.Text.StartsWith("Running", StringComparison.Ordinal));

    private static async Task OutboxThroughputAsync(int count, int pacePercent)
    {
        var folder = Directory.CreateTempSubdirectory("meshclaw-bench-slack").FullName;
        await using var slack = await FakeSlackServer.StartAsync();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), new JsonObject { ["slack"] = SlackSection(slack, pacePercent) }.ToJsonString());
            await using var services = await BenchMeshClaw.CreateAsync(folder);
            var secrets = services.GetRequiredService<ISecretStore>();
            secrets.Set("SLACK_BOT_TOKEN", FakeSlackServer.BotToken);
            var outbox = services.GetRequiredService<IOutbox>();
            for (var i = 0; i < count; i++)
            {
                await outbox.EnqueueAsync($"bench:{i}", "alert", $"notification {i}", DateTimeOffset.UtcNow, CancellationToken.None);
            }

            slack.RateLimitEvery("chat.postMessage", 10);
            using var connections = new SlackConnections(secrets.Get, TimeProvider.System);
            var delivery = new SlackOutboxDelivery(outbox, services.GetRequiredService<ICurrentConfig>(), connections, services.GetRequiredService<IApprovalStore>(), secrets,
                new SlackDeliveryHealth(), TimeProvider.System, NullLogger<SlackOutboxDelivery>.Instance);
            var clock = Stopwatch.StartNew();
            var delivered = 0;
            while (delivered < count && clock.Elapsed < Timeout)
            {
                delivered += await delivery.DeliverAsync(CancellationToken.None);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var posts = slack.Messages.Count(m => m.Channel == Dm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Outbox -> Slack, a 429 every 10th call, waits at {pacePercent}% of Slack's: {delivered} delivered ({posts} posts, {slack.Calls.Count(c => c.Method == "chat.postMessage")} calls) in {seconds:0.00} s = {delivered / seconds:0} notifications/s"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
