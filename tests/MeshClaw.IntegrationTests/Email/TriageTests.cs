using System.Text.Json;
using System.Text.Json.Nodes;
using MailKit;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.Host.Journal;
using MeshClaw.Host.Runs;
using MeshClaw.Host.Scheduling;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using MeshClaw.Testing.Mail;
using MimeKit;
using Quartz;

namespace MeshClaw.IntegrationTests.Email;

/// <summary>The built-in inbox agent against a real mailbox: rules first at zero tokens, the model for the rest, never sending.</summary>
public sealed class TriageTests : IAsyncLifetime
{
    private const string Password = "carol-pass-1234";
    private readonly TestHome _home = new();
    private MailServer _mail = null!;
    private MailSeeder _carol = null!;
    private ScriptedModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _mail = await MailServer.StartAsync(new Dictionary<string, string> { ["carol"] = Password });
        _carol = new MailSeeder(_mail, "carol", Password);
        _server = await ScriptedModelServer.StartAsync();
        var email = MailGatewayFixture.Account(_mail, "MAIL_CAROL");
        email["accounts"]!["mail"]!["user"] = "carol";
        email["accounts"]!["mail"]!["address"] = $"carol@{MailServer.Domain}";
        _home.Config("email", email).OpenAIModel("triage", _server.OpenAIBaseUrl, "triage-model")
            .RawAgentFile("inbox.md", "---\nname: inbox\nbuiltin: inbox\ntools: [email.read, email.move, email.flag, email.draft]\n---\nTriage the mail.\n");
        new FileSecretStore(_home.Root).Set("MAIL_CAROL", Password);
    }

    public async Task DisposeAsync()
    {
        await _carol.DisposeAsync();
        await _server.DisposeAsync();
        await _mail.DisposeAsync();
        _home.Dispose();
    }

    private async Task<Dictionary<string, string>> InboxIdsAsync()
    {
        var inbox = await _carol.FolderAsync("INBOX");
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var items = await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId);
        var ids = items.ToDictionary(i => i.Envelope?.Subject ?? "", i => i.Envelope?.MessageId is { } id ? id : $"uid:{inbox.UidValidity}:{i.UniqueId.Id}");
        await inbox.CloseAsync();
        return ids;
    }

    [Fact]
    public async Task Triage_SettlesByRulesFirst_ThenTheModel_FilesFlagsDrafts_AndNeverSends()
    {
        var boss = MailFixtures.NeedsReply();
        await _carol.AppendAsync("INBOX", MailFixtures.Newsletter(1), MailFixtures.Newsletter(2), MailFixtures.Notification(), boss, MailFixtures.Injection(),
            MailFixtures.Latin1(), MailFixtures.CalendarInvite(), MailFixtures.MultipartAlternative(), MailFixtures.WithoutMessageId());
        await _carol.AppendRawAsync("INBOX", MailFixtures.Malformed());
        var ids = await InboxIdsAsync();
        object Verdict(string subject, string category, string? reply = null) => new { id = ids[subject], category, reason = "looks like " + category, reply };
        var answer = JsonSerializer.Serialize(new[]
        {
            Verdict(boss.Subject!, "needs-reply", "Hi, I will send the Q3 numbers on Thursday."),
            Verdict(MailFixtures.Injection().Subject!, "spam"),
            Verdict("Grüße aus München", "fyi"),
            Verdict("Invitation: Sprint review @ Fri 10:00", "urgent"),
            Verdict("Meeting notes", "fyi"),
            Verdict("No id here", "fyi"),
            Verdict(ids.Keys.Single(k => k.Contains("weird", StringComparison.Ordinal)), "spam"),
        });
        _server.For("triage-model").Reply(ScriptedReply.Text(answer, inputTokens: 900, outputTokens: 120));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var result = await gateway.CliAsync("run", "inbox", "-m", "triage now", "--json");
        var again = await gateway.CliAsync("run", "inbox", "-m", "triage again", "--json");

        var run = RunJson.Parse<RunView>(result);
        Assert.True(run.Status == RunStatus.Succeeded, result.ToString());
        Assert.Contains("3 settled by rules at zero tokens, 7 by the model", run.Answer, StringComparison.Ordinal);
        Assert.Equal(1, run.Usage.ModelCalls);
        Assert.Equal(2, (await _carol.ContentsAsync("Newsletters")).Count);
        Assert.Single(await _carol.ContentsAsync("Notifications"));
        Assert.Equal(2, (await _carol.ContentsAsync("Junk")).Count);
        Assert.Empty(await _carol.ContentsAsync("MeshClaw Quarantine"));
        var inbox = await _carol.ContentsAsync("INBOX");
        Assert.Equal(5, inbox.Count);
        Assert.True(inbox.Single(m => m.Subject.StartsWith("Invitation", StringComparison.Ordinal)).Flags.HasFlag(MessageFlags.Flagged));
        var draft = await _carol.FirstMessageAsync("Drafts");
        Assert.Equal(boss.MessageId, draft.InReplyTo);
        Assert.Contains("Q3 numbers on Thursday", draft.TextBody, StringComparison.Ordinal);
        var prompt = _server.Requests.Single(r => r.Model == "triage-model").Body;
        Assert.Contains("untrusted-data", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("This week in tech", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(run.ToolCalls!, c => c.Tool == "email_send");
        var second = RunJson.Parse<RunView>(again);
        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(0, second.Usage.ModelCalls);
        var journal = RunJson.Parse<List<JournalEntry>>(await gateway.CliAsync("journal", "--run", run.Id, "--json"));
        Assert.Single(journal, e => e.Tool == "email_file_batch" && e.Items == 5 && e.Status == JournalStatus.Done);
        var digest = await gateway.CliAsync("digest");
        Assert.Contains("Inbox digest", digest.Stdout, StringComparison.Ordinal);
        Assert.Contains("Drafts waiting in Drafts (1)", digest.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedMail_StaysInQuarantine_AndIsPurgedOnlyAfterTheRetentionPeriod_OnTheClock()
    {
        var old = MailFixtures.Plain("a@corp.example", "old one", "x");
        var recent = MailFixtures.Plain("b@corp.example", "recent one", "y");
        await _carol.AppendAsync("INBOX", old, MailFixtures.Plain("c@corp.example", "keeper", "z"));
        _server.For("scripted-main")
            .Reply(ScriptedReply.ToolCall("email_delete", JsonSerializer.Serialize(new { id = old.MessageId }))).Reply(ScriptedReply.Text("deleted"))
            .Reply(ScriptedReply.ToolCall("email_delete", JsonSerializer.Serialize(new { id = recent.MessageId }))).Reply(ScriptedReply.Text("deleted"));
        var email = MailGatewayFixture.Account(_mail, "MAIL_CAROL");
        email["accounts"]!["mail"]!["user"] = "carol";
        await using var gateway = await InProcessGateway.StartAsync(_server, new Dictionary<string, string> { ["cleaner"] = "model: main\ntools: [email.*]" },
            new JsonObject { ["email"] = email }, beforeStart: home => new FileSecretStore(home.Root).Set("MAIL_CAROL", Password));
        var purge = gateway.Get<IEnumerable<ISystemProcedure>>().Single(p => p.Agent == QuarantinePurge.AgentName);
        var coordinator = gateway.Get<RunCoordinator>();
        // The test runs the purge itself: the scheduler's own purge job would race it for the moment the clock jumps.
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(TimeSpan.FromSeconds(30));
        await (await gateway.Get<ISchedulerFactory>().GetScheduler()).PauseJob(new JobKey(purge.Name, SystemRunJob.Group));

        var first = await gateway.RunAsync("cleaner", "delete the old one");
        gateway.Time.Advance(TimeSpan.FromDays(20));
        await _carol.AppendAsync("INBOX", recent);
        var second = await gateway.RunAsync("cleaner", "delete the recent one");
        gateway.Time.Advance(TimeSpan.FromDays(10) + TimeSpan.FromHours(1));
        var due = await purge.IsDueAsync(default);
        var run = await coordinator.RunSystemAsync(purge, default);

        // Thirty days and an hour after the first delete and ten after the second: only the first is purged.
        Assert.True(due, $"first run {first.Status} {first.Reason}: {string.Join("; ", (await gateway.Get<IActionJournal>().ForRunAsync(first.Id, default)).Select(e => $"{e.Tool} {e.Status} {e.At:u} {e.Result}"))}");
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(recent.MessageId, (await _carol.ContentsAsync("MeshClaw Quarantine")).Single().MessageId);
        var journal = gateway.Get<IActionJournal>();
        Assert.Equal(JournalStatus.Permanent, Assert.Single(await journal.ForRunAsync(first.Id, default)).Status);
        Assert.Equal(JournalStatus.Done, Assert.Single(await journal.ForRunAsync(second.Id, default)).Status);
        var purged = Assert.Single(await journal.ForRunAsync(run.Id.Value, default));
        Assert.Equal(("email_purge", QuarantinePurge.AgentName, JournalStatus.Done), (purged.Tool, purged.Agent, purged.Status));
        Assert.False(await purge.IsDueAsync(default));
        var marked = Assert.Single(await gateway.Get<IAuditReader>().RecentAsync(50, run.Id.Value, default), a => a.Kind == "journal.permanent");
        Assert.Contains($"\"entries\":[{(await journal.ForRunAsync(first.Id, default))[0].Id}]", marked.Data, StringComparison.Ordinal);
        var undo = await gateway.Get<UndoService>().UndoRunAsync(first.Id, "user:test", default);
        Assert.Contains("it became permanent: purged from MeshClaw Quarantine", Assert.Single(undo.Items).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelThatAnswersGarbage_LeavesTheMailUnsorted_AndTheRunStillReports()
    {
        await _carol.AppendAsync("INBOX", MailFixtures.NeedsReply(), MailFixtures.Latin1());
        _server.For("triage-model").ReplyAlways(ScriptedReply.Text("I think they are all fine, really!"));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var run = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Usage.ModelCalls);
        Assert.Contains("Not sorted (2)", run.Answer, StringComparison.Ordinal);
        Assert.Equal(2, (await _carol.ContentsAsync("INBOX")).Count);
    }

    [Fact]
    public async Task FiftyMegabyteMessage_IsTriagedWithoutTrouble()
    {
        await _carol.AppendAsync("INBOX", MailFixtures.Huge(50));
        var ids = await InboxIdsAsync();
        _server.For("triage-model").Reply(ScriptedReply.Text(JsonSerializer.Serialize(new[] { new { id = ids.Values.Single(), category = "fyi", reason = "long" } })));
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);

        var run = RunJson.Parse<RunView>(await gateway.CliAsync("run", "inbox", "-m", "triage", "--json"));

        Assert.True(run.Status == RunStatus.Succeeded, run.Reason);
        var prompt = _server.Requests.Single(r => r.Model == "triage-model").Body;
        Assert.True(prompt.Length < 20_000, $"the prompt was {prompt.Length} characters: the body should be cut to an excerpt");
    }

    [Fact]
    public async Task KillNineMidTriageOfAThousandMessages_LeavesEveryMessageInOneFolder_AndTheJournalHonest()
    {
        _home.Config("policy", new JsonObject { ["bulkLimitPerRun"] = 5000, ["ratePerHour"] = 100000 });
        var batch = Enumerable.Range(1, 1000).Select(MailFixtures.Newsletter).ToArray();
        foreach (var chunk in batch.Chunk(100))
        {
            await _carol.AppendAsync("INBOX", chunk);
        }

        var gateway = await GatewayProcess.StartAsync(_home.Root);
        using (var client = gateway.AuthorizedClient())
        {
            // The client stays connected until the kill: a client that hangs up cancels its run.
            _ = client.PostAsync(new Uri("api/runs", UriKind.Relative), JsonContent(new StartRunBody("inbox", "triage", Trigger: "api")));
            await Eventually.GetAsync(async () => (await _carol.ContentsAsync("Newsletters")).Count > 0 ? "moving" : null, TimeSpan.FromSeconds(60), "the triage to start filing");
            await gateway.KillHardAsync();
        }

        await gateway.DisposeAsync();
        await using var restarted = await GatewayProcess.StartAsync(_home.Root);
        var interrupted = Assert.Single(RunJson.Parse<List<RunView>>(await restarted.CliAsync("runs", "list", "--json")));
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        var journal = RunJson.Parse<List<JournalEntry>>(await restarted.CliAsync("journal", "--run", interrupted.Id, "--json"));
        var entry = Assert.Single(journal);
        if (restarted.Output.Contains($"action {entry.Id} (email_file_batch", StringComparison.Ordinal))
        {
            // Killed between the intent and its result: reconciled against the mailbox (partly moved: unknown; all moved: done).
            Assert.Contains(entry.Status, new[] { JournalStatus.Unknown, JournalStatus.Done });
        }
        else
        {
            // The batch (ten moves of 100 on a fast loopback server) can finish before the kill lands, which then cuts the
            // run while it records its decisions: the journal must then hold the batch's own result, not a guess.
            Assert.Equal(JournalStatus.Done, entry.Status);
            Assert.StartsWith("moved 1000", entry.Result, StringComparison.Ordinal);
        }

        var inbox = await _carol.ContentsAsync("INBOX");
        var filed = await _carol.ContentsAsync("Newsletters");
        var all = inbox.Concat(filed).Select(m => m.MessageId).ToList();
        Assert.Equal(1000, all.Count);
        Assert.Equal(1000, all.Distinct().Count());

        var rerun = RunJson.Parse<RunView>(await restarted.CliAsync("run", "inbox", "-m", "finish", "--json"));
        Assert.Equal(RunStatus.Succeeded, rerun.Status);
        Assert.Equal(1000, (await _carol.ContentsAsync("Newsletters")).Select(m => m.MessageId).Distinct().Count());
        Assert.Empty(await _carol.ContentsAsync("INBOX"));
    }

    [Fact]
    public async Task NewMail_StartsTheInboxAgentByItself_ThroughImapIdle_AndFilingItStartsNothing()
    {
        var email = (JsonObject)MailGatewayFixture.Account(_mail, "MAIL_CAROL");
        email["accounts"]!["mail"]!["user"] = "carol";
        // An hour between polls: only IDLE can notice the message within the test's minute.
        email["pollSeconds"] = 3600;
        _home.Config("email", email)
            .RawAgentFile("inbox.md", "---\nname: inbox\nbuiltin: inbox\ntools: [email.read, email.move, email.flag, email.draft]\ntriggers:\n  - event: email.received\n---\nTriage the mail.\n");
        await _carol.FolderAsync("Junk");
        // The seeder has logged in already: only logins after this point are the gateway's watchers.
        var before = _mail.Log.Length;
        await using var gateway = await GatewayProcess.StartAsync(_home.Root);
        await Eventually.GetAsync(() => Task.FromResult(_mail.Log[before..].Contains("Login: user=<carol>", StringComparison.Ordinal) ? "watching" : null),
            TimeSpan.FromSeconds(30), "the mail watcher to log in");

        await SendToCarolAsync(MailFixtures.Newsletter(77));
        try
        {
            await Eventually.GetAsync(async () => (await _carol.ContentsAsync("Newsletters")).Count == 1 ? "filed" : null,
                TimeSpan.FromSeconds(60), "the inbox agent to notice the new mail and file the newsletter");
        }
        catch (TimeoutException ex)
        {
            var listed = await gateway.CliAsync("runs", "list");
            throw new TimeoutException($"{ex.Message}\nruns:\n{listed}\nPostfix:\n{_mail.DeliveryLog}\nDovecot (tail):\n{_mail.Log[Math.Max(0, _mail.Log.Length - 4000)..]}", ex);
        }
        // Filing moved the first newsletter out of the INBOX: that expunge starts nothing, and the next arrival, which
        // brings the INBOX back to one message, is still noticed.
        await SendToCarolAsync(MailFixtures.Newsletter(78));
        await Eventually.GetAsync(async () => (await _carol.ContentsAsync("Newsletters")).Count == 2 ? "filed" : null,
            TimeSpan.FromSeconds(60), "the inbox agent to notice the second mail and file it");

        var runs = RunJson.Parse<List<RunView>>(await gateway.CliAsync("runs", "list", "--json"));
        var byMail = runs.Where(r => r.Agent == "inbox" && r.Trigger.StartsWith("event:email.received", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, byMail.Count);

        // The user drags a filed newsletter to Junk: the filing folders are watched too, so the correction is learned
        // at once, without new mail (MeshClaw's own filing into Newsletters started nothing: two runs above, not four).
        var newsletters = await _carol.FolderAsync("Newsletters");
        var junk = await _carol.FolderAsync("Junk");
        await newsletters.OpenAsync(FolderAccess.ReadWrite);
        await newsletters.MoveToAsync((await newsletters.SearchAsync(MailKit.Search.SearchQuery.All))[0], junk);
        await newsletters.CloseAsync();
        var corrected = await Eventually.GetAsync(async () =>
            RunJson.Parse<List<OutcomeView>>(await gateway.CliAsync("outcomes", "--json")).FirstOrDefault(o => o.Kind == "mail.corrected"),
            TimeSpan.FromSeconds(60), "a triage pass started by the move to record the correction");
        Assert.Contains("Junk", corrected.Detail, StringComparison.Ordinal);
        runs = RunJson.Parse<List<RunView>>(await gateway.CliAsync("runs", "list", "--json"));
        Assert.Single(runs, r => r.Agent == "inbox" && r.Trigger.Contains("moved into Junk", StringComparison.Ordinal));
        Assert.Equal(3, runs.Count(r => r.Agent == "inbox"));
    }

    private async Task SendToCarolAsync(MimeKit.MimeMessage message)
    {
        using var smtp = new MailKit.Net.Smtp.SmtpClient();
        await smtp.ConnectAsync(_mail.Host, _mail.SmtpPort, MailKit.Security.SecureSocketOptions.None);
        await smtp.SendAsync(message, MailboxAddress.Parse("news@newsletter.example"), [MailboxAddress.Parse($"carol@{MailServer.Domain}")]);
        await smtp.DisconnectAsync(true);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, ApiJson.Options), System.Text.Encoding.UTF8, "application/json");
}
