using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Triage;

namespace MeshClaw.Tests.Email;

public sealed class TriageRulesTests
{
    private static readonly SenderKnowledge Nothing = SenderKnowledge.None;

    private static MailSummary Mail(string from = "person@corp.example", string subject = "Hello", string? unsubscribe = null, string? precedence = null, string? auto = null,
        string? listId = null, string id = "id@x", string? inReplyTo = null) =>
        new(id, 1, from, from, subject, DateTimeOffset.UtcNow, false, false, 100, unsubscribe, precedence, auto, inReplyTo, listId);

    private static SenderKnowledge History(params string[] categories) => new() { ModelHistory = categories };

    private static SenderKnowledge CorrectedTo(string folder, string? category) => new()
    {
        Correction = new MailCorrection("mail", "old@x", "person@corp.example", null, "old", "Newsletters", folder, category, TriageRules.ListHeaders, "r", "inbox", DateTimeOffset.UtcNow),
    };

    [Fact]
    public void UserRule_WinsFirst_WithGlobSenders_EvenOverACorrection()
    {
        var rules = new[] { new TriageRule("github", "*@github.com", null, "notification"), new TriageRule("boss", null, "urgent:", "urgent") };

        Assert.Equal("rule:github", TriageRules.Classify(Mail("ci@github.com"), rules, CorrectedTo("INBOX", null))!.Source);
        Assert.Equal("urgent", TriageRules.Classify(Mail(subject: "URGENT: tomorrow"), rules, Nothing)!.Category);
        Assert.Null(TriageRules.Classify(Mail(), rules, Nothing));
    }

    [Theory]
    [InlineData("<mailto:u@x>", "bulk", null, "news@letters.example")]
    [InlineData("<mailto:u@x>", null, "weekly.letters.example", "news@letters.example")]
    public void ListHeaders_WithABulkOrListMark_AndNoPerson_AreANewsletter(string unsubscribe, string? precedence, string? listId, string from)
    {
        var verdict = TriageRules.Classify(Mail(from, "This week in tech", unsubscribe, precedence, listId: listId), [], Nothing)!;

        Assert.Equal(("newsletter", TriageRules.ListHeaders), (verdict.Category, verdict.Source));
    }

    [Theory]
    [InlineData("news@shop.example", "Big news", "<mailto:u@x>", null, null, null, "an unsubscribe link alone")]
    [InlineData("dana@corp.example", "Release notes draft", "<mailto:u@x>", "list", "dev.lists.example.org", null, "a person on a discussion list")]
    [InlineData("news@dev.example", "Re: Release plan", "<mailto:u@x>", "list", "dev.lists.example.org", null, "a reply on a list")]
    [InlineData("news@dev.example", "Roadmap", "<mailto:u@x>", "list", "dev.lists.example.org", "<a@x>", "In-Reply-To on a list")]
    [InlineData("deals@shop.example", "50% off everything, act now!!", "<mailto:u@x>", "bulk", null, null, "marketing words (spam?)")]
    [InlineData("noreply@shop.example", "Your order", null, null, null, null, "noreply@ alone")]
    public void HeadersThatDoNotSettleIt_Abstain(string from, string subject, string? unsubscribe, string? precedence, string? listId, string? inReplyTo, string why)
    {
        Assert.True(TriageRules.Classify(Mail(from, subject, unsubscribe, precedence, listId: listId, inReplyTo: inReplyTo), [], Nothing) is null, why);
    }

    [Theory]
    [InlineData("notifications@github.com", "[meshclaw] Fix the build (#12)")]
    [InlineData("jira@corp.atlassian.net", "[JIRA] (OPS-4) Rotate the keys")]
    [InlineData("no-reply@linear.app", "Issue assigned to you: MC-9")]
    public void Tools_SendListHeadersToo_AndTheirMailIsANotification(string from, string subject)
    {
        var verdict = TriageRules.Classify(Mail(from, subject, "<mailto:u@x>", "list", "repo.github.com"), [], Nothing)!;

        Assert.Equal(("notification", TriageRules.Tool), (verdict.Category, verdict.Source));
    }

    [Fact]
    public void AutoSubmitted_IsANotification_UnlessItSaysNo()
    {
        Assert.Equal(TriageRules.Automated, TriageRules.Classify(Mail(auto: "auto-generated"), [], Nothing)!.Source);
        Assert.Null(TriageRules.Classify(Mail(auto: "no"), [], Nothing));
    }

    [Theory]
    [InlineData("alerts@datadoghq.com", "[Triggered] p99 latency on checkout-api")]
    [InlineData("monitor@corp.example", "Outage: payments are down")]
    [InlineData("alerts@corp.example", "[FIRING:1] DiskFull on db-1")]
    public void Alerts_AreUrgent_WhateverTheSendersHistoryOrCorrectionsSay(string from, string subject)
    {
        var knowledge = History("notification", "notification", "notification") with { Correction = CorrectedTo("Notifications", "notification").Correction };

        var verdict = TriageRules.Classify(Mail(from, subject, "<mailto:u@x>", "bulk", auto: "auto-generated"), [], knowledge)!;

        Assert.Equal(("urgent", TriageRules.Alert), (verdict.Category, verdict.Source));
    }

    [Fact]
    public void ACorrection_SendsTheSendersMailWhereTheUserPutIt_AheadOfHeaderRules()
    {
        var newsletterLooking = Mail("news@letters.example", "Issue 12", "<mailto:u@x>", "bulk");

        var verdict = TriageRules.Classify(newsletterLooking, [], CorrectedTo("Notifications", "notification"))!;
        Assert.Equal(("notification", TriageRules.Correction), (verdict.Category, verdict.Source));

        // Moved back to the inbox: quiet mail stays there at no cost (a habit: its opening lines are read); a question goes to the model.
        var kept = TriageRules.Classify(newsletterLooking, [], CorrectedTo("INBOX", null))!;
        Assert.Equal(("fyi", TriageRules.Correction, true), (kept.Category, kept.Source, TriageRules.IsHabit(kept)));
        Assert.Null(TriageRules.Classify(newsletterLooking with { Subject = "Issue 12: can you renew?" }, [], CorrectedTo("INBOX", null)));
        Assert.True(TriageRules.KeptInInbox(CorrectedTo("INBOX", null)));
        Assert.False(TriageRules.KeptInInbox(CorrectedTo("Notifications", "notification")));
    }

    [Fact]
    public void ABuiltInRuleTheUserCorrectedTwiceForASender_StopsApplyingToIt()
    {
        var suspended = new SenderKnowledge { SuspendedRules = new HashSet<string> { TriageRules.ListHeaders } };

        Assert.Null(TriageRules.Classify(Mail("news@letters.example", "Issue 12", "<mailto:u@x>", "bulk"), [], suspended));
    }

    [Fact]
    public void SenderTheModelFiledAlikeThreeTimes_BecomesARule_ButNeverForUrgentOrReplies()
    {
        var settled = Enumerable.Range(0, 50).Select(i => Mail(id: $"m{i}@x")).First(m => TriageRules.Classify(m, [], History("fyi", "fyi", "fyi")) is not null);

        Assert.Equal(TriageRules.KnownSender, TriageRules.Classify(settled, [], History("fyi", "fyi", "fyi"))!.Source);
        Assert.Null(TriageRules.Classify(settled, [], History("fyi", "spam", "fyi")));
        Assert.Null(TriageRules.Classify(settled, [], History("needs-reply", "needs-reply", "needs-reply")));
    }

    [Fact]
    public void KeepingMailInTheInbox_IsLearnedFromTwoVerdicts_FilingItAwayNeedsThree()
    {
        var settled = Enumerable.Range(0, 50).Select(i => Mail(id: $"m{i}@x")).First(m => TriageRules.Classify(m, [], History("fyi", "fyi")) is not null);

        Assert.Equal(TriageRules.KnownSender, TriageRules.Classify(settled, [], History("fyi", "fyi"))!.Source);
        Assert.Null(TriageRules.Classify(settled, [], History("newsletter", "newsletter")));
        Assert.Equal("newsletter", TriageRules.Classify(settled, [], History("newsletter", "newsletter", "newsletter"))!.Category);
    }

    private static SenderKnowledge Domain(params DomainVerdict[] verdicts) => new() { DomainHistory = verdicts };

    private static DomainVerdict Said(string sender, string category = "fyi", string? correctedTo = null, string source = "model") => new(sender, category, source, correctedTo);

    [Fact]
    public void ANewcomerAtADomainWhosePeopleTheModelKeptInTheInbox_StaysInTheInbox_AtNoCost()
    {
        var colleagues = Domain(Said("ann@corp.example"), Said("bob@corp.example"), Said("ann@corp.example", "spam", MailCorrection.Inbox));
        var newcomer = Enumerable.Range(0, 50).Select(i => Mail("cy@corp.example", id: $"m{i}@x")).First(m => TriageRules.Classify(m, [], colleagues) is not null);

        var verdict = TriageRules.Classify(newcomer, [], colleagues)!;

        Assert.Equal(("fyi", TriageRules.KnownDomain, true), (verdict.Category, verdict.Source, TriageRules.IsHabit(verdict)));
        Assert.Contains("corp.example", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cy@gmail.com", null, "a freemail domain says nothing about who writes")]
    [InlineData("news@corp.example", null, "a role address is not a person")]
    [InlineData("cy@corp.example", "team.corp.example", "list mail has its own habit")]
    public void TheDomainHabit_OnlyCoversPeopleWritingDirectly_AtAnOrganisation(string from, string? listId, string why)
    {
        var domain = from.Split('@')[1];
        var colleagues = Domain(Said($"ann@{domain}"), Said($"bob@{domain}"), Said($"dan@{domain}"));

        Assert.All(Enumerable.Range(0, 30), i => Assert.True(TriageRules.Classify(Mail(from, listId: listId, id: $"m{i}@x"), [], colleagues) is null, why));
    }

    [Fact]
    public void TheDomainHabit_NeedsTwoPeople_ThreeQuietInboxVerdicts_AndNoMailOfTheDomainMovedAway()
    {
        static bool Settles(SenderKnowledge k) => Enumerable.Range(0, 30).Any(i => TriageRules.Classify(Mail("cy@corp.example", id: $"m{i}@x"), [], k) is not null);

        Assert.False(Settles(Domain(Said("ann@corp.example"), Said("ann@corp.example"), Said("ann@corp.example"))));
        Assert.False(Settles(Domain(Said("ann@corp.example"), Said("bob@corp.example"))));
        Assert.False(Settles(Domain(Said("ann@corp.example"), Said("bob@corp.example"), Said("dan@corp.example", "notification"))));
        Assert.False(Settles(Domain(Said("ann@corp.example"), Said("bob@corp.example"), Said("dan@corp.example"), Said("eve@corp.example", "fyi", "Junk", TriageRules.KnownDomain))));
        Assert.False(Settles(Domain(Said("ann@corp.example"), Said("bob@corp.example"), Said("dan@corp.example")) with { SuspendedRules = new HashSet<string> { TriageRules.KnownDomain } }));
        Assert.True(Settles(Domain(Said("ann@corp.example"), Said("bob@corp.example"), Said("dan@corp.example"))));
        Assert.True(Settles(Domain(Said("ann@corp.example"), Said("eve@corp.example", "fyi", source: TriageRules.KnownDomain), Said("bob@corp.example"), Said("dan@corp.example"))));
    }

    [Fact]
    public void ASenderWithAHabitOfItsOwn_IsNotCoveredByItsDomains()
    {
        var k = Domain(Said("ann@corp.example"), Said("bob@corp.example"), Said("dan@corp.example")) with { ModelHistory = ["notification"] };

        Assert.All(Enumerable.Range(0, 30), i => Assert.Null(TriageRules.Classify(Mail("cy@corp.example", id: $"m{i}@x"), [], k)));
    }

    [Theory]
    [InlineData("Dana: budget numbers", "Hello all,\nnumbers attached.", true)]
    [InlineData("Weekly notes", "Hi Dana,\nthe notes are attached.\nNothing to do.", false)]
    [InlineData("Weekly notes", "Hi all,\n@dana has the numbers, see below.", true)]
    [InlineData("Weekly notes", "Team,\nDana Scully will present on Monday.", true)]
    [InlineData("Weekly notes", "Team,\nDanae will present on Monday.", false)]
    public void TheUsersName_InTheSubjectOrOpeningLines_ButNotInAGreeting_WantsAttention(string subject, string body, bool wanted)
    {
        string[] names = ["Dana", "Dana Scully"];
        var mail = Mail(subject: subject);

        Assert.Equal(wanted, MailSignals.WantsAttention(mail, names) || MailSignals.OpeningWantsAttention(body, names));
        Assert.False(MailSignals.WantsAttention(mail, []) || MailSignals.OpeningWantsAttention(body, []));
        if (MailSignals.WantsAttention(mail, names))
        {
            Assert.Null(TriageRules.Classify(mail, [], History("fyi", "fyi", "fyi"), names));
        }
    }

    [Theory]
    [InlineData("Can you review the deck?")]
    [InlineData("Contract: deadline moved")]
    [InlineData("Please confirm the booking")]
    [InlineData("Need this by Friday")]
    public void MailThatWantsAttention_GoesToTheModel_EvenFromALearnedSender(string subject)
    {
        Assert.Null(TriageRules.Classify(Mail(subject: subject, id: "m1@x"), [], History("fyi", "fyi", "fyi")));
    }

    [Fact]
    public void AboutOneLearnedVerdictInTen_GoesToTheModelToRecheckTheHabit_TheSameOneEachTime()
    {
        var mails = Enumerable.Range(0, 2000).Select(i => Mail(id: $"<{i}.{i * 7919}@mail.example>")).ToList();

        var rechecked = mails.Count(m => TriageRules.Classify(m, [], History("newsletter", "newsletter", "newsletter")) is null);

        Assert.InRange(rechecked, 140, 260);
        Assert.All(mails.Take(100), m => Assert.Equal(
            TriageRules.Classify(m, [], History("fyi", "fyi", "fyi")) is null, TriageRules.Classify(m, [], History("fyi", "fyi", "fyi")) is null));
    }

    [Theory]
    [InlineData("Hi Erin,\n\ncould you call me back today?\n\nThe weekly notes follow.", true)]
    [InlineData("Hello,\nACTION REQUIRED: sign the contract by Friday.\n", true)]
    [InlineData("Team,\n\nnotes from today's sync are below.\nNothing needs doing.\n\n\n\nAnd then, much later: any questions?", false)]
    public void OpeningLines_ThatAskOrPress_AreSeen_LaterLinesAreNot(string body, bool wanted)
    {
        Assert.Equal(wanted, MailSignals.OpeningWantsAttention(body));
    }

    [Theory]
    [InlineData("\"Dev list\" <Dev.Lists.Example.ORG>", "dev.lists.example.org")]
    [InlineData("<repo.owner.github.com>", "repo.owner.github.com")]
    [InlineData("plain.example.org", "plain.example.org")]
    [InlineData("  ", null)]
    public void ListId_IsTheIdentifierInAngleBrackets_LowerCase(string header, string? expected)
    {
        Assert.Equal(expected, MailSummary.ListIdentifier(header));
    }

    [Theory]
    [InlineData("""[{"id":"a","category":"spam","reason":"x"}]""", "no verdict for b")]
    [InlineData("""[{"id":"a","category":"delete-everything"},{"id":"b","category":"fyi"}]""", "is not one of")]
    [InlineData("""[{"id":"zzz","category":"fyi"}]""", "unknown or missing id")]
    [InlineData("sure, all fine", "no JSON array")]
    [InlineData("[{\"id\": ]", "not valid JSON")]
    public void ModelAnswer_IsCheckedFieldByField(string answer, string problem)
    {
        ModelClassifier.Item[] batch = [new("a", "x", "s", ""), new("b", "y", "t", "")];

        Assert.False(ModelClassifier.TryParse(answer, batch, out _, out var found));
        Assert.Contains(problem, found, StringComparison.Ordinal);
    }

    [Fact]
    public void InboxAgentFile_LoadsAndIsReadOnlyAboutSending()
    {
        var agent = MeshClaw.Core.Agents.AgentFileParser.Parse("inbox.md", MeshClaw.Connectors.Email.Inbox.InboxAgentFile.Text).Agent!;

        Assert.Equal("inbox", agent.Builtin);
        Assert.DoesNotContain("email.send", agent.Tools);
        Assert.Contains(agent.Triggers, t => t.Value == "email.received");
    }
}
