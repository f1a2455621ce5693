using System.Diagnostics;
using MailKit;
using MeshClaw.Connectors.Email;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Approvals;
using MeshClaw.Host.Home;
using MeshClaw.Host.Inbox;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Tools;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Storage.Approvals;
using MeshClaw.Storage.Audit;
using MeshClaw.Storage.Journal;
using MeshClaw.Storage.Memory;
using MeshClaw.Storage.Runs;
using MeshClaw.Storage.Settings;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Triage;
using MeshClaw.Storage.Usage;
using MeshClaw.Testing.Mail;
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
        var database = new SqliteDatabase(home.Database);
        await database.InitializeAsync(CancellationToken.None);
        var runs = new SqliteRunStore(database);
        var ledger = new SqliteUsageLedger(database);
        using var audit = new SqliteAuditLog(database, TimeProvider.System, () => NoRedaction.Instance);
        var journal = new SqliteActionJournal(database);
        var rules = new SqliteStandingRules(database);
        var policy = new PolicySettings { BulkLimitPerRun = 1_000_000, RatePerHour = 1_000_000 };
        var approvals = new ApprovalBroker(new SqliteApprovalStore(database), rules, audit, TimeProvider.System, () => policy);
        var executor = new ToolCallExecutor(new PolicyGate(policy, rules, new PauseSwitch(new SqliteSettings(database), audit), journal, TimeProvider.System),
            approvals, journal, audit, TimeProvider.System);
        var account = new EmailAccount { Name = "mail", ImapHost = mail.Host, ImapPort = mail.ImapPort, ImapTls = MailTls.None, User = "bench", PasswordSecret = "P" };
        var settings = new EmailSettings { Accounts = new Dictionary<string, EmailAccount> { ["mail"] = account } };
        await using var connections = new MailConnections(_ => "bench-pass");
        using var tools = new ToolCatalogFactory(home, new SqliteMemoryStore(database), connections, _ => null, () => throw new NotSupportedException());
        var model = new MeteringChatClient(new InstantClassifier(), new ModelDefinition { Name = "instant", Kind = ModelKind.OpenAICompatible, ModelId = "instant" },
            ledger, PriceTable.Empty, TimeProvider.System);
        var agent = AgentFileParser.Parse("inbox.md", InboxAgentFile.Text).Agent! with { Budget = new AgentBudget { TokensPerRun = 100_000_000 } };
        var triage = new InboxTriage(runs, audit, new SqliteTriageStore(database), connections, TimeProvider.System);
        var request = new AgentRunRequest
        {
            Id = RunId.New(TimeProvider.System), Agent = agent, Model = model, Tools = tools.Create(new Host.Configuration.MeshClawConfig { Email = settings }),
            Message = "bench", Trigger = new RunTrigger("bench"), Workspace = folder,
        };

        var clock = Stopwatch.StartNew();
        var run = await triage.RunAsync(request, executor, settings, CancellationToken.None);
        var elapsed = clock.Elapsed;
        var totals = await ledger.TotalsAsync(DateTimeOffset.MinValue, UsageGrouping.Agent, CancellationToken.None);
        var byRules = (await new SqliteTriageStore(database).SourcesAsync(run.Id.Value, CancellationToken.None)).Where(s => s.Source != "model").Sum(s => s.Count);
        var calls = totals.Sum(t => t.Calls);
        var tokens = totals.Sum(t => t.InputTokens + t.OutputTokens);
        Console.WriteLine($"run {run.Status}: {count / elapsed.TotalSeconds:0} messages/s end to end ({elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"settled by rules: {100.0 * byRules / count:0.0}% ({byRules:N0}); model calls per 100 messages: {100.0 * calls / count:0.00}; tokens per 100 messages: {100.0 * tokens / count:0}");
        Console.WriteLine($"peak working set of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024:0} MB");
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
