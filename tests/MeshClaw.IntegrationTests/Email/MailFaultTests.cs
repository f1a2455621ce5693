using System.Text.Json;
using System.Text.Json.Nodes;
using MailKit;
using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Tools;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Triage;
using MeshClaw.Host.Api;
using MeshClaw.Host.Journal;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using MeshClaw.Testing.Mail;
using MimeKit;
using Xunit.Abstractions;

namespace MeshClaw.IntegrationTests.Email;

/// <summary>
/// Mail actions under faults, against a real Dovecot whose IMAP session processes are killed with SIGKILL mid-batch (the
/// cut is injected after a chunk of the batch has landed, so the point is exact, not a race), and a gateway whose journal
/// holds a batch that was cut by a kill. Every message is checked by Message-ID: in exactly one folder, the right one.
/// </summary>
public sealed class MailFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "dave-pass-1234";
    private const string Inbox = "---\nname: inbox\nbuiltin: inbox\ntools: [email.read, email.move, email.flag, email.draft]\n---\nTriage the mail.\n";
    private MailServer _mail = null!;
    private MailSeeder _dave = null!;
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync()
    {
        _mail = await MailServer.StartAsync(new Dictionary<string, string> { ["dave"] = Password });
        _dave = new MailSeeder(_mail, "dave", Password);
        await _dave.FolderAsync("Newsletters");
        _models = await ScriptedModelServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _dave.DisposeAsync();
        await _models.DisposeAsync();
        await _mail.DisposeAsync();
    }

    private JsonObject Config()
    {
        var email = MailGatewayFixture.Account(_mail, "MAIL_DAVE");
        email["accounts"]!["mail"]!["user"] = "dave";
        email["accounts"]!["mail"]!["address"] = $"dave@{MailServer.Domain}";
        return new JsonObject { ["email"] = email, ["policy"] = new JsonObject { ["bulkLimitPerRun"] = 5000, ["ratePerHour"] = 100000 } };
    }

    private Task<InProcessGateway> StartAsync(Core.Home.MeshClawHome? home = null) =>
        InProcessGateway.StartAsync(_models, new Dictionary<string, string>(), Config(), home: home, beforeStart: h =>
        {
            new FileSecretStore(h.Root).Set("MAIL_DAVE", Password);
            File.WriteAllText(Path.Combine(h.Agents, "inbox.md"), Inbox);
        });

    private async Task<List<MimeMessage>> SeedNewslettersAsync(int count)
    {
        var letters = Enumerable.Range(1, count).Select(MailFixtures.Newsletter).ToList();
        foreach (var chunk in letters.Chunk(100))
        {
            await _dave.AppendAsync("INBOX", chunk);
        }

        return letters;
    }

    /// <summary>Every message by Message-ID: the folders it is in (a message in two folders, or twice in one, shows so).</summary>
    private async Task<Dictionary<string, List<string>>> WhereaboutsAsync(params string[] folders)
    {
        _dave.Reset();
        var where = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var message in await _dave.ContentsAsync(folder))
            {
                var id = message.MessageId ?? "(none)";
                where.TryAdd(id, []);
                where[id].Add(folder);
            }
        }

        return where;
    }

    private static void AssertEachIn(IEnumerable<MimeMessage> messages, Dictionary<string, List<string>> where, string folder, string when)
    {
        var wrong = messages.Select(m => (m.MessageId, Folders: where.GetValueOrDefault(m.MessageId!) ?? []))
            .Where(m => m.Folders is not [var only] || only != folder).ToList();
        Assert.True(wrong.Count == 0, $"{when}: {wrong.Count} message(s) not exactly once in {folder}, e.g. {string.Join("; ", wrong.Take(3).Select(w => $"{w.MessageId} in [{string.Join(", ", w.Folders)}]"))}");
    }

    [Fact]
    public async Task ImapSessionsKilledMidBatch_TheBatchLooksAndFinishes_FlagAndDraftReconnect_AndUndoPutsEverythingBack()
    {
        var letters = await SeedNewslettersAsync(500);
        var urgent = MailFixtures.Plain("Ops <ops@corp.example>", "Prod is down", "The site is down, please look now.");
        var boss = MailFixtures.NeedsReply();
        await _dave.AppendAsync("INBOX", urgent, boss);
        // "Prod is down" is an alert, settled (urgent, flagged) without the model: the model sees only the boss.
        _models.For("scripted-main").Reply(ScriptedReply.Text(JsonSerializer.Serialize(new object[]
        {
            new { id = boss.MessageId, category = "needs-reply", reason = "a question from the boss", reply = "I will send them on Thursday." },
        })));
        await using var gateway = await StartAsync();
        var kills = new List<int>();
        // Cut twice: after the second chunk (mid-batch) and after the last one (so the flag and the draft meet a dead session).
        gateway.Get<MailConnections>().AfterChunk = moved =>
        {
            if ((moved == 200 && kills.Count == 0) || (moved == 300 && kills.Count == 1))
            {
                kills.Add(_mail.KillImapSessions());
            }

            return Task.CompletedTask;
        };

        var run = await gateway.RunAsync("inbox", "triage");

        Assert.True(kills.Count == 2 && kills.All(k => k > 0), $"the IMAP sessions were killed {kills.Count} time(s): {string.Join(", ", kills)}");
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        var where = await WhereaboutsAsync("INBOX", "Newsletters", "Drafts");
        AssertEachIn(letters, where, "Newsletters", "after the cut batch");
        Assert.Equal(["INBOX"], where[urgent.MessageId!]);
        Assert.True((await _dave.ContentsAsync("INBOX")).Single(m => m.MessageId == urgent.MessageId).Flags.HasFlag(MessageFlags.Flagged), "the urgent mail was not flagged after the cut");
        var draft = await _dave.FirstMessageAsync("Drafts");
        Assert.Equal(boss.MessageId, draft.InReplyTo);
        Assert.False(string.IsNullOrEmpty(draft.Headers["X-MeshClaw-Action"]));
        Assert.Contains("Filed in Newsletters: 500", run.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("not approved", run.Answer, StringComparison.Ordinal);
        var journal = await gateway.Get<IActionJournal>().ForRunAsync(run.Id, default);
        var batch = Assert.Single(journal, e => e.Tool == "email_file_batch");
        Assert.Equal(JournalStatus.Done, batch.Status);
        Assert.StartsWith("moved 500 message(s); the connection was cut", batch.Result, StringComparison.Ordinal);
        Assert.Equal(500, batch.Inverse!.Arguments.GetProperty("moves").GetArrayLength());

        var undo = await gateway.Get<UndoService>().UndoRunAsync(run.Id, "user:test", default);

        Assert.All(undo.Items, i => Assert.True(i.Undone, $"{i.Tool}: {i.Detail}"));
        where = await WhereaboutsAsync("INBOX", "Newsletters", "Drafts");
        AssertEachIn(letters, where, "INBOX", "after undo");
        Assert.False((await _dave.ContentsAsync("INBOX")).Single(m => m.MessageId == urgent.MessageId).Flags.HasFlag(MessageFlags.Flagged));
        Assert.Empty(await _dave.ContentsAsync("Drafts"));
    }

    [Fact]
    public async Task CutAgainAfterReconnecting_ReportsWhatMoved_LeavesTheRestUndecided_AndTheNextRunFinishes()
    {
        var letters = await SeedNewslettersAsync(500);
        await using var gateway = await StartAsync();
        var connections = gateway.Get<MailConnections>();
        // Every chunk is followed by a cut: the batch moves 100, looks, moves 100 more, is cut again and gives up.
        connections.AfterChunk = _ =>
        {
            _mail.KillImapSessions();
            return Task.CompletedTask;
        };

        var run = await gateway.RunAsync("inbox", "triage");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("300 message(s) could not be finished (not filed: connection: the connection to", run.Reason, StringComparison.Ordinal);
        Assert.Contains("Filed in Newsletters: 200", run.Reason, StringComparison.Ordinal);
        Assert.Contains("Not finished (300), left for the next triage", run.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("not approved", run.Reason, StringComparison.Ordinal);
        var where = await WhereaboutsAsync("INBOX", "Newsletters");
        Assert.All(where, w => Assert.Single(w.Value));
        Assert.Equal(200, where.Count(w => w.Value[0] == "Newsletters"));
        Assert.Equal(300, where.Count(w => w.Value[0] == "INBOX"));
        var batch = Assert.Single(await gateway.Get<IActionJournal>().ForRunAsync(run.Id, default), e => e.Tool == "email_file_batch");
        Assert.Equal(JournalStatus.Done, batch.Status);
        Assert.StartsWith("moved 200 message(s); 300 not moved", batch.Result, StringComparison.Ordinal);
        var digest = await gateway.Get<ITriageStore>().LatestDigestAsync("inbox", default);
        Assert.Contains("Not finished (300)", digest, StringComparison.Ordinal);

        connections.AfterChunk = null;
        var next = await gateway.RunAsync("inbox", "triage again");

        Assert.True(next.Status == RunStatus.Succeeded, $"{next.Status}: {next.Reason}");
        Assert.Contains("Filed in Newsletters: 300", next.Answer, StringComparison.Ordinal);
        AssertEachIn(letters, await WhereaboutsAsync("INBOX", "Newsletters"), "Newsletters", "after the second run");

        await gateway.Get<UndoService>().UndoRunAsync(run.Id, "user:test", default);
        await gateway.Get<UndoService>().UndoRunAsync(next.Id, "user:test", default);

        AssertEachIn(letters, await WhereaboutsAsync("INBOX", "Newsletters"), "INBOX", "after undoing both runs");
    }

    [Fact]
    public async Task BatchCutByAKill_IsReconciledAtStartByLooking_ABothFoldersMoveIsRepaired_AndUndoPutsEveryMessageBack()
    {
        var letters = await SeedNewslettersAsync(300);
        var ids = letters.Select(l => l.MessageId!).ToList();
        // What a kill -9 leaves: the intent journaled, 120 messages moved, one copied but not yet expunged, the rest untouched.
        var inbox = await _dave.FolderAsync("INBOX");
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = (await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope)).ToDictionary(s => s.Envelope!.MessageId!, s => s.UniqueId);
        var newsletters = await _dave.FolderAsync("Newsletters");
        await inbox.MoveToAsync([.. ids.Take(120).Select(id => uids[id])], newsletters);
        await inbox.CopyToAsync(uids[ids[120]], newsletters);
        await inbox.CloseAsync();
        using var folder = new TestHome();
        var home = new Core.Home.MeshClawHome(folder.Root);
        long intent;
        await using (var before = await StartAsync(home))
        {
            intent = await before.Get<IActionJournal>().RecordIntentAsync(new JournalEntry
            {
                Id = 0, RunId = "run_killed", Agent = "inbox", Tool = "email_file_batch", Capability = "email.move", Risk = ToolRisk.ReversibleWrite,
                Arguments = JsonSerializer.Serialize(new { account = "mail", moves = ids.Select(id => new { id, folder = "INBOX", to = "Newsletters" }) }),
                Items = ids.Count, Status = JournalStatus.Intent, At = DateTimeOffset.UtcNow,
            }, default);
        }

        await using var gateway = await StartAsync(home);

        var entry = (await gateway.Get<IActionJournal>().GetAsync(intent, default))!;
        Assert.Equal(JournalStatus.Done, entry.Status);
        Assert.Contains("found 121 moved, 179 not moved, 0 in neither folder; 1 were in both folders and were left only in the target", entry.Result, StringComparison.Ordinal);
        Assert.Equal(121, entry.Inverse!.Arguments.GetProperty("moves").GetArrayLength());
        var where = await WhereaboutsAsync("INBOX", "Newsletters");
        AssertEachIn(letters.Take(121), where, "Newsletters", "after reconciliation");
        AssertEachIn(letters.Skip(121), where, "INBOX", "after reconciliation");

        var undo = await gateway.Get<UndoService>().UndoRunAsync("run_killed", "user:test", default);

        Assert.True(Assert.Single(undo.Items).Undone, undo.Items[0].Detail);
        AssertEachIn(letters, await WhereaboutsAsync("INBOX", "Newsletters"), "INBOX", "after undo");
    }

    [Fact]
    public async Task DraftAppendedBeforeAKill_IsFoundByItsMark_AndTheNextRunDoesNotAppendASecond()
    {
        var boss = MailFixtures.NeedsReply();
        await _dave.AppendAsync("INBOX", boss);
        // What a kill between the APPEND and its journal result leaves: the intent, and the marked draft in Drafts.
        using var folder = new TestHome();
        var home = new Core.Home.MeshClawHome(folder.Root);
        long intent;
        await using (var before = await StartAsync(home))
        {
            intent = await before.Get<IActionJournal>().RecordIntentAsync(new JournalEntry
            {
                Id = 0, RunId = "run_killed", Agent = "inbox", Tool = "email_draft_reply", Capability = "email.draft", Risk = ToolRisk.ReversibleWrite,
                Arguments = JsonSerializer.Serialize(new { account = "mail", id = boss.MessageId, body = "Thursday." }), Status = JournalStatus.Intent, At = DateTimeOffset.UtcNow,
            }, default);
        }

        var appended = DraftReplyTool.Reply(boss, $"dave@{MailServer.Domain}", "Thursday.", DateTimeOffset.UtcNow);
        appended.Headers.Add(DraftReplyTool.MarkHeader, intent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await _dave.AppendAsync("Drafts", appended);
        _models.For("scripted-main").Reply(ScriptedReply.Text(JsonSerializer.Serialize(new object[]
        {
            new { id = boss.MessageId, category = "needs-reply", reason = "a question", reply = "Thursday, again." },
        })));

        await using var gateway = await StartAsync(home);
        var entry = (await gateway.Get<IActionJournal>().GetAsync(intent, default))!;
        var run = await gateway.RunAsync("inbox", "triage");

        Assert.Equal(JournalStatus.Done, entry.Status);
        Assert.Equal(appended.MessageId, entry.Inverse!.Arguments.GetProperty("id").GetString());
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        var drafts = await _dave.ContentsAsync("Drafts");
        Assert.Equal(appended.MessageId, Assert.Single(drafts).MessageId);
        Assert.Contains("already waits in Drafts", Assert.Single(await gateway.Get<IActionJournal>().ForRunAsync(run.Id, default), e => e.Tool == "email_draft_batch").Result, StringComparison.Ordinal);

        var undo = await gateway.Get<UndoService>().UndoRunAsync("run_killed", "user:test", default);

        Assert.True(Assert.Single(undo.Items).Undone, undo.Items[0].Detail);
        Assert.Empty(await _dave.ContentsAsync("Drafts"));
    }

    /// <summary>
    /// kill -9 of a real gateway process while it files 2,000 messages, at several points (once the server shows at least
    /// that many filed). Whether the kill lands mid-batch or just after, the restarted gateway's journal holds what moved
    /// with its inverse, and <c>meshclaw undo --run</c> puts every message back in the INBOX, each exactly once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(700)]
    [InlineData(1500)]
    public async Task GatewayKilledMidBatchOfTwoThousand_UndoRunPutsEveryMessageBack(int killAfter)
    {
        var letters = await SeedNewslettersAsync(2000);
        using var home = new TestHome();
        var config = Config();
        home.Config("email", config["email"]!.DeepClone()).Config("policy", config["policy"]!.DeepClone())
            .OpenAIModel("triage", _models.OpenAIBaseUrl, "triage-model").RawAgentFile("inbox.md", Inbox);
        new FileSecretStore(home.Root).Set("MAIL_DAVE", Password);
        var gateway = await GatewayProcess.StartAsync(home.Root);
        using (var client = gateway.AuthorizedClient())
        {
            // The client stays connected until the kill: a client that hangs up cancels its run.
            using var body = new StringContent(JsonSerializer.Serialize(new StartRunBody("inbox", "triage", Trigger: "api"), ApiJson.Options), System.Text.Encoding.UTF8, "application/json");
            _ = client.PostAsync(new Uri("api/runs", UriKind.Relative), body);
            await Eventually.GetAsync(async () => (await _dave.ContentsAsync("Newsletters")).Count >= killAfter ? "filing" : null, TimeSpan.FromSeconds(120), $"{killAfter} message(s) to be filed");
            await gateway.KillHardAsync();
        }

        await gateway.DisposeAsync();
        await using var restarted = await GatewayProcess.StartAsync(home.Root);
        var run = Assert.Single(RunJson.Parse<List<RunView>>(await restarted.CliAsync("runs", "list", "--json")));
        var filedBefore = (await WhereaboutsAsync("Newsletters")).Count;
        var batch = Assert.Single(RunJson.Parse<List<JournalEntry>>(await restarted.CliAsync("journal", "--run", run.Id, "--json")), e => e.Tool == "email_file_batch");
        var where = await WhereaboutsAsync("INBOX", "Newsletters");
        Assert.True(letters.All(l => where.GetValueOrDefault(l.MessageId!) is [_]), "after the kill, a message is missing or in two folders");

        var undo = await restarted.CliAsync("undo", "--run", run.Id);
        output.WriteLine($"figures: kill after {killAfter}: {filedBefore} filed at restart, run {run.Status}, batch {batch.Status}: {batch.Result}");

        Assert.True(undo.ExitCode == 0, undo.ToString());
        AssertEachIn(letters, await WhereaboutsAsync("INBOX", "Newsletters"), "INBOX", $"after undo (kill after {killAfter}: {filedBefore} filed, run {run.Status}, batch {batch.Status}: {batch.Result})");
        Assert.Contains(run.Status, new[] { RunStatus.Interrupted, RunStatus.Succeeded });
        Assert.Contains(batch.Status, new[] { JournalStatus.Done, JournalStatus.Undone });
    }
}
