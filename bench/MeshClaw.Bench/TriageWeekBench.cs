using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Tools;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Testing.Mail;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MeshClaw.Bench;

/// <summary>
/// A scripted week of mail on a loopback Dovecot, triaged each day by the real inbox agent: a few hundred senders with
/// stable habits (people, newsletters, tools' notifications with List-Unsubscribe, discussion lists of people,
/// monitoring with the odd outage, shops' noreply receipts, marketing spam with unsubscribe links), newsletters that
/// turn to spam mid-week, 10% new senders a day, a model that errs on 10% of messages, and a user who moves 60% of
/// the misfiled mail to where it belongs after each day. Prints per day: tokens per mail, the share settled at zero
/// tokens, folder agreement with the user's intent, corrected mistakes repeated, urgent mail flagged.
/// </summary>
public static class TriageWeekBench
{
    private const string Password = "week-pass";
    private static readonly Dictionary<string, string> FolderOf = new()
    {
        ["urgent"] = "INBOX", ["needs-reply"] = "INBOX", ["fyi"] = "INBOX", ["newsletter"] = "Newsletters", ["notification"] = "Notifications", ["spam"] = "Junk",
    };

    private enum Kind { Person, Newsletter, Tool, ListMember, Monitoring, Spam, Shop, Turncoat }

    /// <summary>A sender; <paramref name="Weight"/> makes a few senders frequent and most rare, as in a real inbox (Zipf-like).</summary>
    private sealed record Sender(Kind Kind, string Name, string Address, string? ListId, int Serial)
    {
        public double Weight { get; init; } = 1;
    }

    private static Sender Pick(List<Sender> senders, Random random)
    {
        var point = random.NextDouble() * senders.Sum(s => s.Weight);
        foreach (var sender in senders)
        {
            if ((point -= sender.Weight) < 0)
            {
                return sender;
            }
        }

        return senders[^1];
    }

    private sealed record Sent(string MessageId, Sender Sender, string Truth);

    public static async Task RunAsync(int days = 5, int perDay = 120)
    {
        Console.WriteLine($"## A scripted week of triage: {days} days, {perDay} mails a day (loopback Dovecot, a model that errs 10%, a user who corrects 60%)");
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("WEEK_SEED"), out var seed) ? seed : 42);
        await using var mail = await MailServer.StartAsync(new Dictionary<string, string> { ["week"] = Password });
        var folder = Path.Combine(Path.GetTempPath(), "meshclaw-week-" + Guid.NewGuid().ToString("N")[..8]);
        var home = new MeshClawHome(folder);
        home.EnsureCreated();
        await File.WriteAllTextAsync(home.ConfigFile, $$"""
            {"policy": {"bulkLimitPerRun": 1000000, "ratePerHour": 1000000},
             "email": {"accounts": {"mail": {"imapHost": "{{mail.Host}}", "imapPort": {{mail.ImapPort}}, "imapTls": "none", "user": "week", "passwordSecret": "P"} } } }
            """);
        await using var services = await BenchMeshClaw.CreateAsync(folder);
        services.GetRequiredService<ISecretStore>().Set("P", Password);
        var ledger = services.GetRequiredService<IUsageLedger>();
        var model = new MeteringChatClient(new WeekClassifier(0.10), new ModelDefinition { Name = "week", Kind = ModelKind.OpenAICompatible, ModelId = "week" },
            ledger, PriceTable.Empty, TimeProvider.System);
        var agent = AgentFileParser.Parse("inbox.md", InboxAgentFile.Text).Agent! with { Budget = new AgentBudget { TokensPerRun = 100_000_000 } };

        using var client = new ImapClient();
        await client.ConnectAsync(mail.Host, mail.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync("week", Password);
        var senders = Population(random, 300);
        var corrected = new HashSet<string>(StringComparer.Ordinal);
        var serial = 0;
        long tokensBefore = 0;
        Console.WriteLine("day | mails | tokens/mail | zero-token share | folder agreement | corrected senders' mail misfiled again | urgent flagged | corrections made");
        for (var day = 1; day <= days; day++)
        {
            var fresh = Population(random, Math.Max(1, perDay / 10), senders.Count);
            senders.AddRange(fresh);
            var today = new List<Sent>();
            var requests = new List<IAppendRequest>();
            for (var i = 0; i < perDay; i++)
            {
                var sender = i < fresh.Count ? fresh[i] : Pick(senders, random);
                var (message, truth) = Compose(sender, day, ++serial, random);
                today.Add(new Sent(message.MessageId!, sender, truth));
                requests.Add(new AppendRequest(message, MessageFlags.None));
            }

            await client.Inbox.AppendAsync(requests);
            var request = new AgentRunRequest
            {
                Id = RunId.New(TimeProvider.System), Agent = agent, Model = model, Tools = services.GetRequiredService<ToolCatalogProvider>().Current(),
                Config = services.GetRequiredService<ICurrentConfig>().Sections, Message = $"day {day}", Trigger = new RunTrigger(RunTriggerKind.Api, "week"), Workspace = folder,
            };
            var run = await services.GetRequiredService<RunLifecycle>().RunAsync(request, services.Procedure(InboxTriage.ProcedureName), CancellationToken.None);
            var tokens = (await ledger.TotalsAsync(DateTimeOffset.MinValue, UsageGrouping.Agent, CancellationToken.None)).Sum(t => t.InputTokens + t.OutputTokens);
            var byRules = run.Answer is { } answer && answer.Contains(" settled by rules", StringComparison.Ordinal)
                ? int.Parse(answer.Split("; ")[1].Split(' ')[0], CultureInfo.InvariantCulture) : 0;

            var where = await LocateAsync(client);
            var agree = today.Count(s => where.TryGetValue(s.MessageId, out var w) && w.Folder == FolderOf[s.Truth]);
            var fromCorrected = today.Where(s => corrected.Contains(s.Sender.Address)).ToList();
            var repeated = fromCorrected.Count(s => !where.TryGetValue(s.MessageId, out var w) || w.Folder != FolderOf[s.Truth]);
            var urgent = today.Where(s => s.Truth == "urgent").ToList();
            var flagged = urgent.Count(s => where.TryGetValue(s.MessageId, out var w) && w.Flagged && w.Folder == "INBOX");

            // The user, after reading: 60% of what is in the wrong place is moved to where it belongs.
            var moves = 0;
            foreach (var wrong in today.Where(s => where.TryGetValue(s.MessageId, out var w) && w.Folder != FolderOf[s.Truth]))
            {
                if (random.NextDouble() < 0.6)
                {
                    await MoveAsync(client, wrong.MessageId, where[wrong.MessageId].Folder, FolderOf[wrong.Truth]);
                    corrected.Add(wrong.Sender.Address);
                    moves++;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{day} | {perDay} | {(double)(tokens - tokensBefore) / perDay:0} | {100.0 * byRules / perDay:0}% | {100.0 * agree / perDay:0.0}% | {(fromCorrected.Count == 0 ? "–" : $"{repeated} of {fromCorrected.Count} ({100.0 * repeated / fromCorrected.Count:0}%)")} | {flagged} of {urgent.Count} | {moves}"));
            tokensBefore = tokens;
            if (Environment.GetEnvironmentVariable("WEEK_DEBUG") is not null)
            {
                await using var connection = await services.GetRequiredService<MeshClaw.Storage.Sqlite.SqliteDatabase>().OpenAsync(CancellationToken.None);
                var sources = (await Dapper.SqlMapper.QueryAsync<(string Id, string Source)>(connection, "SELECT message_id, source FROM mail_triage")).ToDictionary(r => r.Id, r => r.Source);
                foreach (var g in today.GroupBy(t => (t.Sender.Kind, Source: sources.GetValueOrDefault(t.MessageId) ?? "?")).OrderBy(g => g.Key.Kind))
                {
                    Console.WriteLine($"   {g.Key.Kind} {g.Key.Source}: {g.Count()} wrong {g.Count(x => !where.TryGetValue(x.MessageId, out var w) || w.Folder != FolderOf[x.Truth])}");
                }
            }
        }

        await client.DisconnectAsync(true);
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static List<Sender> Population(Random random, int count, int offset = 0)
    {
        var kinds = new (Kind Kind, double Share)[]
        {
            (Kind.Person, 0.30), (Kind.Newsletter, 0.18), (Kind.Tool, 0.13), (Kind.ListMember, 0.13), (Kind.Monitoring, 0.06), (Kind.Spam, 0.08), (Kind.Shop, 0.08), (Kind.Turncoat, 0.04),
        };
        var tools = new[] { ("GitHub", "notifications@github.com"), ("Jira", "jira@{0}.atlassian.net"), ("Linear", "no-reply@linear.app"), ("CircleCI", "builds@circleci.com"), ("Figma", "no-reply@figma.com"), ("Notion", "notify@mail.notion.so"), ("GitLab", "gitlab@gitlab.com") };
        var result = new List<Sender>();
        for (var i = 0; i < count; i++)
        {
            var n = offset + i;
            var pick = random.NextDouble();
            var kind = kinds[^1].Kind;
            foreach (var (k, share) in kinds)
            {
                if ((pick -= share) < 0)
                {
                    kind = k;
                    break;
                }
            }

            result.Add((kind switch
            {
                Kind.Person => new Sender(kind, $"Person {n}", $"person{n}@corp{n % 7}.example", null, n),
                Kind.Newsletter => new Sender(kind, $"Brand {n} Weekly", $"news@brand{n}.example", null, n),
                Kind.Turncoat => new Sender(kind, $"Letter {n}", $"news@letter{n}.example", null, n),
                Kind.Tool => tools[n % tools.Length] is var (name, address) ? new Sender(kind, name, string.Format(CultureInfo.InvariantCulture, address, $"team{n}"), $"project{n}.{address.Split('@')[1]}", n) : null!,
                Kind.ListMember => new Sender(kind, $"Member {n}", $"member{n}@org{n % 5}.example", $"dev{n % 4}.lists.example.org", n),
                Kind.Monitoring => new Sender(kind, "Datadog", $"alerts+{n}@datadoghq.com", null, n),
                Kind.Spam => new Sender(kind, $"Deals {n}", $"deals@shop{n}.example", null, n),
                _ => new Sender(kind, $"Store {n}", $"noreply@store{n}.example", null, n),
            }) with { Weight = 1 / Math.Pow(1 + random.Next(count + offset), 0.9) });
        }

        return result;
    }

    private static (MimeMessage Message, string Truth) Compose(Sender sender, int day, int serial, Random random)
    {
        var (subject, truth) = sender.Kind switch
        {
            Kind.Person => random.NextDouble() < 0.3 ? ($"Can you review plan {serial}?", "needs-reply") : ($"Notes from meeting {serial}", "fyi"),
            Kind.Newsletter => ($"{sender.Name} #{serial}", "newsletter"),
            Kind.Turncoat => day >= 3 ? ($"Congratulations, claim your bonus {serial}!!", "spam") : ($"{sender.Name} issue {serial}", "newsletter"),
            Kind.Tool => ($"[{sender.Name}] Update on item {serial}", "notification"),
            Kind.ListMember => random.NextDouble() < 0.5 ? ($"Re: design thread {serial % 9}", "fyi") : ($"Proposal: topic {serial}", "fyi"),
            Kind.Monitoring => random.NextDouble() < 0.3 ? ($"[Triggered] p99 latency high on svc-{serial % 4}", "urgent") : ($"Daily summary for svc-{serial % 4}", "notification"),
            Kind.Spam => ($"50% off everything, act now!! {serial}", "spam"),
            _ => ($"Your order {serial} has shipped", "notification"),
        };
        var message = MailFixtures.Plain($"{sender.Name} <{sender.Address}>", subject, $"Message {serial}.\ntruth={truth}\n", $"w{serial}.{sender.Serial}@week.example");
        if (sender.Kind is Kind.Newsletter or Kind.Turncoat or Kind.Tool or Kind.ListMember or Kind.Spam)
        {
            message.Headers.Add(HeaderId.ListUnsubscribe, $"<https://{sender.Address.Split('@')[1]}/unsubscribe>");
        }

        if (sender.Kind is Kind.Newsletter or Kind.Turncoat or Kind.Spam)
        {
            message.Headers.Add(HeaderId.Precedence, "bulk");
        }

        if (sender.ListId is not null)
        {
            message.Headers.Add(HeaderId.ListId, $"<{sender.ListId}>");
            message.Headers.Add(HeaderId.Precedence, "list");
        }

        if (sender.Kind is Kind.Monitoring)
        {
            message.Headers.Add(HeaderId.AutoSubmitted, "auto-generated");
        }

        return (message, truth);
    }

    private static async Task<Dictionary<string, (string Folder, bool Flagged)>> LocateAsync(ImapClient client)
    {
        var where = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var name in new[] { "INBOX", "Newsletters", "Notifications", "Junk" })
        {
            IMailFolder folder;
            try
            {
                folder = name == "INBOX" ? client.Inbox : await client.GetFolderAsync(name);
            }
            catch (FolderNotFoundException)
            {
                continue;
            }

            await folder.OpenAsync(FolderAccess.ReadOnly);
            if (folder.Count > 0)
            {
                foreach (var item in await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags))
                {
                    where[item.Envelope?.MessageId ?? $"uid:{item.UniqueId}"] = (name, item.Flags?.HasFlag(MessageFlags.Flagged) == true);
                }
            }

            await folder.CloseAsync();
        }

        return where;
    }

    private static async Task MoveAsync(ImapClient client, string messageId, string from, string to)
    {
        var source = from == "INBOX" ? client.Inbox : await client.GetFolderAsync(from);
        IMailFolder target;
        try
        {
            target = to == "INBOX" ? client.Inbox : await client.GetFolderAsync(to);
        }
        catch (FolderNotFoundException)
        {
            target = (await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(to, true))!;
        }

        await source.OpenAsync(FolderAccess.ReadWrite);
        foreach (var uid in await source.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId)))
        {
            await source.MoveToAsync(uid, target);
        }

        await source.CloseAsync();
    }
}
