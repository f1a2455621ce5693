using System.Text.Json;
using MailKit;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;
using MeshClaw.Testing.Mail;

namespace MeshClaw.IntegrationTests.Email;

/// <summary>The email tools against a real Dovecot and Postfix, through the gate, the journal and undo.</summary>
public sealed class EmailToolTests(MailGatewayFixture fixture) : IClassFixture<MailGatewayFixture>
{
    private static string Args(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task FilingDeletingDraftingAndMarking_AllLand_AndUndoPutsEverythingBack()
    {
        var news = MailFixtures.Newsletter(101);
        var spam = MailFixtures.Injection();
        var boss = MailFixtures.NeedsReply();
        var latin = MailFixtures.Latin1();
        await fixture.Alice.AppendAsync("INBOX", news, spam, boss, latin);
        fixture.Server.For("mail-mailer")
            .Reply(ScriptedReply.ToolCall("email_list", Args(new { folder = "INBOX" })))
            .Reply(ScriptedReply.ToolCalls(
                ("email_move", Args(new { id = news.MessageId, to = "Newsletters" })),
                ("email_delete", Args(new { id = spam.MessageId })),
                ("email_draft_reply", Args(new { id = boss.MessageId, body = "I will send them Thursday." })),
                ("email_mark_read", Args(new { id = latin.MessageId })),
                ("email_read", Args(new { id = latin.MessageId }))))
            .Reply(ScriptedReply.Text("Inbox sorted."));

        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "mailer", "-m", "sort my inbox", "--json"));

        Assert.True(run.Status == RunStatus.Succeeded, run.Reason);
        Assert.All(run.ToolCalls!, c => Assert.True(c.Outcome == ToolCallOutcome.Succeeded, $"{c.Tool}: {c.Result}"));
        Assert.Contains("München", run.ToolCalls!.Single(c => c.Tool == "email_read").Result, StringComparison.Ordinal);
        Assert.Contains(await fixture.Alice.ContentsAsync("Newsletters"), m => m.MessageId == news.MessageId);
        Assert.Contains(await fixture.Alice.ContentsAsync("MeshClaw Quarantine"), m => m.MessageId == spam.MessageId);
        var draft = (await fixture.Alice.ContentsAsync("Drafts")).Single(m => m.Subject == "Re: " + boss.Subject);
        Assert.True(draft.Flags.HasFlag(MessageFlags.Draft));
        Assert.True((await fixture.Alice.ContentsAsync("INBOX")).Single(m => m.MessageId == latin.MessageId).Flags.HasFlag(MessageFlags.Seen));

        var undo = await fixture.Gateway.CliAsync("undo", "--run", run.Id);

        Assert.True(undo.ExitCode == 0, undo.ToString());
        var inbox = await fixture.Alice.ContentsAsync("INBOX");
        Assert.Contains(inbox, m => m.MessageId == news.MessageId);
        Assert.Contains(inbox, m => m.MessageId == spam.MessageId);
        Assert.False(inbox.Single(m => m.MessageId == latin.MessageId).Flags.HasFlag(MessageFlags.Seen));
        Assert.DoesNotContain(await fixture.Alice.ContentsAsync("Drafts"), m => m.Subject == "Re: " + boss.Subject);
        Assert.Equal(1, inbox.Count(m => m.MessageId == news.MessageId));
    }

    [Fact]
    public async Task DraftReply_IsThreadedWithInReplyToAndReferences()
    {
        var thread = MailFixtures.Thread();
        await fixture.Alice.AppendAsync("Projects", [.. thread]);
        fixture.Server.For("mail-mailer")
            .Reply(ScriptedReply.ToolCall("email_draft_reply", Args(new { folder = "Projects", id = thread[2].MessageId, body = "Great, Tuesday." })))
            .Reply(ScriptedReply.Text("drafted"));

        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "mailer", "-m", "draft", "--json"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var drafts = await fixture.Alice.FolderAsync("Drafts", create: false);
        await drafts.OpenAsync(FolderAccess.ReadOnly);
        var draft = (await Task.WhenAll(Enumerable.Range(0, drafts.Count).Select(i => drafts.GetMessageAsync(i)))).Single(m => m.InReplyTo == thread[2].MessageId);
        await drafts.CloseAsync();
        Assert.Equal(new[] { thread[0].MessageId, thread[1].MessageId, thread[2].MessageId }, draft.References.ToArray());
        Assert.Equal("Re: Release plan", draft.Subject);
        Assert.Equal("erin@corp.example", draft.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Sending_WaitsForApproval_ThenGoesThroughSmtpToTheRecipient()
    {
        fixture.Server.For("mail-sender")
            .Reply(ScriptedReply.ToolCall("email_send", Args(new { to = $"bob@{MailServer.Domain}", subject = "Numbers attached", body = "Here they are." })))
            .Reply(ScriptedReply.Text("sent"));
        using var client = fixture.Gateway.AuthorizedClient();

        var (run, asked) = await RunDriver.RunAsync(client, "sender", "send bob the numbers", approve: true);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var approval = Assert.Single(asked);
        Assert.Contains("sends data outside", approval.Reason, StringComparison.Ordinal);
        Assert.Contains("bob@meshclaw.test", approval.Arguments, StringComparison.Ordinal);
        var delivered = await Eventually.GetAsync(async () => (await fixture.Bob.ContentsAsync("INBOX")).Any(m => m.Subject == "Numbers attached") ? "yes" : null,
            TimeSpan.FromSeconds(20), "the sent message to arrive in bob's INBOX through Postfix and LMTP");
        Assert.Equal("yes", delivered);
    }

    [Fact]
    public async Task MovingMoreThanTheBulkLimit_NeedsApproval_AndARunNeverEmptiesAFolder()
    {
        var batch = Enumerable.Range(1, 30).Select(MailFixtures.Newsletter).ToArray();
        await fixture.Alice.AppendAsync("Bulk", batch);
        await fixture.Alice.FolderAsync("Bulk2");
        var small = new[] { MailFixtures.Notification(), MailFixtures.Notification() };
        await fixture.Alice.AppendAsync("Small", small);
        fixture.Server.For("mail-bulk")
            .Reply(ScriptedReply.ToolCalls([.. batch.Select(m => ("email_move", Args(new { folder = "Bulk", id = m.MessageId, to = "Bulk2" })))]))
            .Reply(ScriptedReply.Text("moved"))
            .Reply(ScriptedReply.ToolCalls([.. small.Select(m => ("email_move", Args(new { folder = "Small", id = m.MessageId, to = "Bulk2" })))]))
            .Reply(ScriptedReply.Text("moved"));
        using var client = fixture.Gateway.AuthorizedClient();

        var (run, asked) = await RunDriver.RunAsync(client, "bulk", "move them all");
        var (emptying, _) = await RunDriver.RunAsync(client, "bulk", "move the small folder");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(25, (await fixture.Alice.ContentsAsync("Bulk2")).Count(m => batch.Any(b => b.MessageId == m.MessageId)));
        Assert.Equal(5, (await fixture.Alice.ContentsAsync("Bulk")).Count);
        Assert.True(asked.Count >= 5, $"expected the 26th to 30th moves to be held, {asked.Count} were");
        Assert.Single(await fixture.Alice.ContentsAsync("Small"));
        var refused = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("runs", "show", emptying.Id, "--json")).ToolCalls!;
        Assert.Equal(ToolCallOutcome.Succeeded, refused[0].Outcome);
        Assert.Contains("a run may never empty a folder", refused[1].Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentWithNarrowFolders_CannotTouchOthers()
    {
        var note = MailFixtures.Notification();
        await fixture.Alice.AppendAsync("INBOX", note);
        fixture.Server.For("mail-narrow")
            .Reply(ScriptedReply.ToolCall("email_move", Args(new { id = note.MessageId, to = "Projects" })))
            .Reply(ScriptedReply.Text("tried"));

        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "narrow", "-m", "file it", "--json"));

        var call = Assert.Single(run.ToolCalls!);
        Assert.Equal(ToolCallOutcome.InvalidArguments, call.Outcome);
        Assert.Contains("may not touch the folder 'Projects'", call.Result, StringComparison.Ordinal);
        Assert.Contains(await fixture.Alice.ContentsAsync("INBOX"), m => m.MessageId == note.MessageId);
    }

    [Fact]
    public async Task AgentWithNarrowFolders_CanHaveItsDeleteUndone_FromTheQuarantineItMayNotList()
    {
        var one = MailFixtures.Plain("ops@corp.example", "narrow delete one", "undo me");
        var two = MailFixtures.Plain("ops@corp.example", "narrow delete two", "undo me too");
        await fixture.Alice.AppendAsync("INBOX", one, two, MailFixtures.Plain("keep@corp.example", "stays put", "k"));
        fixture.Server.For("mail-narrow")
            .Reply(ScriptedReply.ToolCalls(("email_delete", Args(new { id = one.MessageId })), ("email_delete", Args(new { id = two.MessageId }))))
            .Reply(ScriptedReply.Text("deleted"));

        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "narrow", "-m", "delete them", "--json"));
        var quarantined = await fixture.Alice.ContentsAsync("MeshClaw Quarantine");
        // Undo is the user's act, with arguments MeshClaw planned itself: neither the agent's folder scope nor the rule
        // that a run never empties a folder binds it (putting both back may empty the quarantine).
        var undo = await fixture.Gateway.CliAsync("undo", "--run", run.Id);

        Assert.All(run.ToolCalls!, c => Assert.True(c.Outcome == ToolCallOutcome.Succeeded, c.Result));
        Assert.Contains(quarantined, m => m.MessageId == one.MessageId);
        Assert.Contains(quarantined, m => m.MessageId == two.MessageId);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        var inbox = await fixture.Alice.ContentsAsync("INBOX");
        Assert.Contains(inbox, m => m.MessageId == one.MessageId);
        Assert.Contains(inbox, m => m.MessageId == two.MessageId);
        Assert.DoesNotContain(await fixture.Alice.ContentsAsync("MeshClaw Quarantine"), m => m.MessageId == one.MessageId || m.MessageId == two.MessageId);
    }

    [Fact]
    public async Task ServerDroppingTheConnectionMidRun_IsReconnected_AndNothingIsMovedTwice()
    {
        var first = MailFixtures.Newsletter(201);
        var second = MailFixtures.Newsletter(202);
        // A third message stays: a run may never empty a folder, whatever other tests left in the shared INBOX.
        await fixture.Alice.AppendAsync("INBOX", first, second, MailFixtures.Plain("keep@corp.example", "stays in the inbox", "k"));
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Server.For("mail-flaky")
            .Reply(ScriptedReply.ToolCall("email_move", Args(new { id = first.MessageId, to = "Newsletters" })))
            .Reply(ScriptedReply.After(restarted.Task, ScriptedReply.ToolCall("email_move", Args(new { id = second.MessageId, to = "Newsletters" }))))
            .Reply(ScriptedReply.Text("done"));

        var running = fixture.Gateway.CliAsync("run", "flaky", "-m", "file both", "--json");
        await fixture.Server.WaitForRequestAsync(r => r.Model == "mail-flaky" && r.Body.Contains("moved", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await fixture.Mail.RestartImapAsync();
        fixture.Alice.Reset();
        fixture.Bob.Reset();
        restarted.SetResult();
        var run = RunJson.Parse<RunView>(await running);

        Assert.True(run.Status == RunStatus.Succeeded, run.Reason);
        Assert.All(run.ToolCalls!, c => Assert.Equal(ToolCallOutcome.Succeeded, c.Outcome));
        var filed = await fixture.Alice.ContentsAsync("Newsletters");
        Assert.Equal(1, filed.Count(m => m.MessageId == first.MessageId));
        Assert.Equal(1, filed.Count(m => m.MessageId == second.MessageId));
        Assert.DoesNotContain(await fixture.Alice.ContentsAsync("INBOX"), m => m.MessageId == second.MessageId);
    }
}
