using System.Diagnostics;
using MailKit;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Triage;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Core.Home;
using MeshClaw.Host.Tools;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Testing.Mail;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MeshClaw.Bench;

/// <summary>
/// Triage of a large inbox on a loopback Dovecot, end to end through the real triage, executor, gate, journal and
/// stores, with a zero-latency model behind the metering layer: messages per second, the share settled by rules,
/// model calls and tokens per 100 messages, peak memory.
/// </summary>
public static class TriageBench
{
    public static async Task RunAsync(int count)
    {
        Console.WriteLine($"## Inbox triage of {count:N0} messages (loopback Dovecot, zero-latency model)");
        await using var mail = await MailServer.StartAsync(new Dictionary<string, string> { ["bench"] = "bench-pass" });
        var seedClock = Stopwatch.StartNew();
        await SeedAsync(mail, count);
        Console.WriteLine($"seeded in {seedClock.Elapsed.TotalSeconds:0.0} s");

        var folder = Path.Combine(Path.GetTempPath(), "meshclaw-triagebench-" + Guid.NewGuid().ToString("N")[..8]);
        var home = new MeshClawHome(folder);
        home.EnsureCreated();
        var account = new System.Text.Json.Nodes.JsonObject
        {
            ["imapHost"] = mail.Host, ["imapPort"] = mail.ImapPort, ["imapTls"] = "none", ["user"] = "bench", ["passwordSecret"] = "P",
        };
        var config = new System.Text.Json.Nodes.JsonObject
        {
            ["policy"] = new System.Text.Json.Nodes.JsonObject { ["bulkLimitPerRun"] = 1_000_000, ["ratePerHour"] = 1_000_000 },
            ["email"] = new System.Text.Json.Nodes.JsonObject { ["accounts"] = new System.Text.Json.Nodes.JsonObject { ["mail"] = account } },
        };
        await File.WriteAllTextAsync(home.ConfigFile, config.ToJsonString());
        await using var services = await BenchMeshClaw.CreateAsync(folder);
        services.GetRequiredService<ISecretStore>().Set("P", "bench-pass");
        var ledger = services.GetRequiredService<IUsageLedger>();
        var model = new MeteringChatClient(new InstantClassifier(), new ModelDefinition { Name = "instant", Kind = ModelKind.OpenAICompatible, ModelId = "instant" },
            ledger, PriceTable.Empty, TimeProvider.System);
        var agent = AgentFileParser.Parse("inbox.md", InboxAgentFile.Text).Agent! with { Budget = new AgentBudget { TokensPerRun = 100_000_000 } };
        var current = services.GetRequiredService<ICurrentConfig>();
        var request = new AgentRunRequest
        {
            Id = RunId.New(TimeProvider.System), Agent = agent, Model = model, Tools = services.GetRequiredService<ToolCatalogProvider>().Current(), Config = current.Sections,
            Message = "bench", Trigger = new RunTrigger(RunTriggerKind.Api, "bench"), Workspace = folder,
        };

        var clock = Stopwatch.StartNew();
        var run = await services.GetRequiredService<RunLifecycle>().RunAsync(request, services.Procedure(InboxTriage.ProcedureName), CancellationToken.None);
        var elapsed = clock.Elapsed;
        var totals = await ledger.TotalsAsync(DateTimeOffset.MinValue, UsageGrouping.Agent, CancellationToken.None);
        var byRules = (await services.GetRequiredService<ITriageStore>().SourcesAsync(run.Id.Value, CancellationToken.None)).Where(s => s.Source != "model").Sum(s => s.Count);
        var calls = totals.Sum(t => t.Calls);
        var tokens = totals.Sum(t => t.InputTokens + t.OutputTokens);
        Console.WriteLine($"run {run.Status}: {count / elapsed.TotalSeconds:0} messages/s end to end ({elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"settled by rules: {100.0 * byRules / count:0.0}% ({byRules:N0}); model calls per 100 messages: {100.0 * calls / count:0.00}; tokens per 100 messages: {100.0 * tokens / count:0}");
        Console.WriteLine($"peak working set of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024:0} MB");
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task SeedAsync(MailServer mail, int count)
    {
        using var client = new MailKit.Net.Imap.ImapClient();
        await client.ConnectAsync(mail.Host, mail.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync("bench", "bench-pass");
        var requests = new List<IAppendRequest>();
        for (var i = 0; i < count; i++)
        {
            // Half newsletters, a fifth notifications (both settled by header rules), the rest from people.
            var message = (i % 10) switch
            {
                < 5 => MailFixtures.Newsletter(i),
                < 7 => MailFixtures.Notification(),
                _ => MailFixtures.Plain($"Person {i % 200} <person{i % 200}@corp.example>", $"Question {i}", $"Hello, about item {i}: can we talk?"),
            };
            requests.Add(new AppendRequest(message, MessageFlags.None));
            if (requests.Count == 200)
            {
                await client.Inbox.AppendAsync(requests);
                requests.Clear();
            }
        }

        if (requests.Count > 0)
        {
            await client.Inbox.AppendAsync(requests);
        }

        await client.DisconnectAsync(true);
    }
}
