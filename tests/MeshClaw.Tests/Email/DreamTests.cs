using System.Text.Json;
using MeshClaw.Connectors.Email;
using MeshClaw.Connectors.Email.Dreaming;
using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Dreaming;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Triage;

namespace MeshClaw.Tests.Email;

/// <summary>
/// Dreaming turns repeated triage decisions into proposed rules, in real SQLite: only plain, clean habits (enough
/// decisions, one category, none corrected, none from a poisoned run, none undone), never urgent or needs-reply,
/// never what a user rule says, never twice; accepted rules apply at zero tokens; a rule the user keeps correcting retires.
/// </summary>
public sealed class DreamTests
{
    private static async Task DecideAsync(TestMeshClaw mc, string sender, string category, int count, string run = "run_1", string? listId = null, string source = "model", string prefix = "m")
    {
        var store = mc.Get<ITriageStore>();
        for (var i = 0; i < count; i++)
        {
            await store.RecordAsync(new TriageDecision("mail", $"{prefix}{sender}{i}", sender, $"subject {i}", category, source, "why",
                EmailSettings.DefaultFolders.GetValueOrDefault(category), run, "inbox", mc.Time.GetUtcNow(), listId), default);
            mc.Time.Advance(TimeSpan.FromMinutes(10));
        }
    }

    private static Task<(DreamPlan Plan, IReadOnlyList<DreamLine> Lines)> DreamAsync(TestMeshClaw mc, IReadOnlyList<TriageRule>? userRules = null, string run = "run_dream") =>
        Dreamer.DreamAsync(mc.Get<ILearnedRules>(), userRules ?? [], run, mc.Time.GetUtcNow(), default);

    [Fact]
    public async Task FiveAgreeingDecisions_AreProposedWithTheirEvidence_AndFourAreNot()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        await DecideAsync(mc, "news@example.com", "newsletter", 9);
        await DecideAsync(mc, "four@example.com", "notification", 4);
        await DecideAsync(mc, "anyone@lists.example", "newsletter", 3, listId: "dev.lists.example", prefix: "a");
        await DecideAsync(mc, "someone@lists.example", "newsletter", 3, listId: "dev.lists.example", prefix: "b");

        var (_, lines) = await DreamAsync(mc);

        var rules = await mc.Get<ILearnedRules>().ListAsync(LearnedRuleStatus.Proposed, default);
        Assert.Equal(["list dev.lists.example -> newsletter", "sender news@example.com -> newsletter"],
            rules.Select(r => $"{r.Match.ToString().ToLowerInvariant()} {r.Key} -> {r.Category}").Order(StringComparer.Ordinal));
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("mail from news@example.com was filed as newsletter 9 times of 9, never moved back", rules.Single(r => r.Match == RuleMatch.Sender).Evidence, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Kind == DreamLineKind.Proposed && l.Rule == "mail from news@example.com -> newsletter");
    }

    [Fact]
    public async Task CorrectedMixedUrgentOrUserRuledSenders_YieldNoRule()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        await DecideAsync(mc, "corrected@example.com", "newsletter", 6);
        await mc.Get<ITriageStore>().RecordCorrectionAsync(new MailCorrection("mail", "mcorrected@example.com2", "corrected@example.com", null, "s", "Newsletters", "INBOX", null,
            "model", "run_2", "inbox", mc.Time.GetUtcNow()), default);
        await DecideAsync(mc, "mixed@example.com", "newsletter", 5);
        await DecideAsync(mc, "mixed@example.com", "fyi", 1, prefix: "x");
        await DecideAsync(mc, "boss@example.com", "urgent", 6);
        await DecideAsync(mc, "asks@example.com", "needs-reply", 6);
        await DecideAsync(mc, "ci@github.example", "notification", 6);

        var (plan, lines) = await DreamAsync(mc, [new TriageRule("github", "*@github.example", null, "notification")]);

        Assert.Empty(lines);
        Assert.Empty(plan.Proposals);
        Assert.Equal(5, plan.HabitsExamined);
    }

    [Fact]
    public async Task DecisionsOfAPoisonedRun_OrOfAFilingTheUserUndid_YieldNoRule()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        // A run that read mail with a chat-template control token in it: the lifecycle's run.ended event counts what was neutralised.
        await DecideAsync(mc, "injected@example.com", "newsletter", 6, run: "run_injected");
        await mc.Audit.AppendAsync(new AuditEvent("run.ended", "agent:inbox", "run_injected",
            new { status = "Succeeded", figures = new Dictionary<string, object?> { ["untrustedNeutralised"] = new Dictionary<string, int> { ["control-token"] = 1 } } }), default);
        // A run that met an attack ends Blocked.
        await mc.Runs.CreateAsync(new RunRecord { Id = new RunId("run_blocked"), Agent = "inbox", Trigger = new RunTrigger(RunTriggerKind.Api), Input = "x", StartedAt = mc.Time.GetUtcNow() }, default);
        await mc.Runs.SetStatusAsync(new RunId("run_blocked"), RunStatus.Blocked, default);
        await DecideAsync(mc, "attacked@example.com", "spam", 6, run: "run_blocked");
        // The user undid the filing of one of this sender's runs.
        await DecideAsync(mc, "undone@example.com", "newsletter", 4, run: "run_ok");
        await DecideAsync(mc, "undone@example.com", "newsletter", 2, run: "run_undone", prefix: "u");
        var entry = await mc.Journal.RecordIntentAsync(new JournalEntry
        {
            Id = 0, RunId = "run_undone", Agent = "inbox", Tool = "email_file_batch", Capability = "email.move", Risk = ToolRisk.ReversibleWrite,
            Arguments = JsonSerializer.Serialize(new { account = "mail" }), Status = JournalStatus.Intent, At = mc.Time.GetUtcNow(),
        }, default);
        await mc.Journal.CompleteAsync(entry, JournalStatus.Done, "filed", null, mc.Time.GetUtcNow(), default);
        await mc.Journal.MarkAsync(entry, JournalStatus.Undone, "undone by the user", default);
        await DecideAsync(mc, "clean@example.com", "newsletter", 5, run: "run_ok");

        var (plan, _) = await DreamAsync(mc);

        var proposal = Assert.Single(plan.Proposals);
        Assert.Equal("clean@example.com", proposal.Key);
        var habits = await mc.Get<ILearnedRules>().HabitsAsync(mc.Time.GetUtcNow().AddDays(-1), 5, default);
        Assert.Equal((6, 0), (habits.Single(h => h.Key == "injected@example.com").Poisoned, habits.Single(h => h.Key == "injected@example.com").Reverted));
        Assert.Equal(6, habits.Single(h => h.Key == "attacked@example.com").Poisoned);
        Assert.Equal((0, 2), (habits.Single(h => h.Key == "undone@example.com").Poisoned, habits.Single(h => h.Key == "undone@example.com").Reverted));
    }

    [Fact]
    public async Task ASecondDream_ProposesNothingAgain_NorARejectedRule()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var rules = mc.Get<ILearnedRules>();
        await DecideAsync(mc, "news@example.com", "newsletter", 5);
        await DecideAsync(mc, "promo@example.com", "spam", 5);
        var (_, first) = await DreamAsync(mc, run: "run_d1");
        var promo = (await rules.ListAsync(null, default)).Single(r => r.Key == "promo@example.com");
        Assert.Equal(LearnedRuleStatus.Rejected, (await rules.DecideAsync(promo.Id, accept: false, mc.Time.GetUtcNow(), default))!.Status);
        await DecideAsync(mc, "news@example.com", "newsletter", 3, prefix: "later");
        await DecideAsync(mc, "promo@example.com", "spam", 3, prefix: "later");

        var (_, second) = await DreamAsync(mc, run: "run_d2");

        Assert.Equal(2, first.Count);
        Assert.Empty(second);
        Assert.Equal(2, (await rules.ListAsync(null, default)).Count);
        Assert.Equal(2, (await rules.JournalAsync(mc.Time.GetUtcNow().AddDays(-1), mc.Time.GetUtcNow().AddDays(1), default)).Count);
    }

    [Fact]
    public async Task AnAcceptedRule_DecidesBeforeTheModel_AndRetiresAtTheNextDreamOnceCorrectedTwice()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var rules = mc.Get<ILearnedRules>();
        var store = mc.Get<ITriageStore>();
        await DecideAsync(mc, "news@example.com", "newsletter", 5);
        await DreamAsync(mc);
        var proposed = Assert.Single(await rules.ListAsync(LearnedRuleStatus.Proposed, default));
        var mail = new MailSummary("<n1@example.com>", 1, "News <news@example.com>", "News@Example.com", "This week", mc.Time.GetUtcNow(), false, false, 1_000, null, null, null, null);
        Assert.Null(TriageRules.Classify(mail, [], SenderKnowledge.None, null, await rules.AcceptedAsync("mail", default)));

        await rules.DecideAsync(proposed.Id, accept: true, mc.Time.GetUtcNow(), default);
        var accepted = await rules.AcceptedAsync("mail", default);
        var verdict = TriageRules.Classify(mail, [], SenderKnowledge.None, null, accepted);

        Assert.Equal(("newsletter", $"rule:learned:{proposed.Id}"), (verdict?.Category, verdict?.Source));
        Assert.Equal("learned rule", TriageAccuracy.KindOf(verdict!.Source));
        // Mail that wants attention still goes to the model, rule or not.
        Assert.Null(TriageRules.Classify(mail with { Subject = "Can you reply by Friday?" }, [], SenderKnowledge.None, null, accepted));

        await DecideAsync(mc, "news@example.com", "newsletter", 3, source: verdict.Source, prefix: "r");
        await store.RecordCorrectionAsync(new MailCorrection("mail", "rnews@example.com0", "news@example.com", null, "s", "Newsletters", "INBOX", null, verdict.Source, "run_2", "inbox", mc.Time.GetUtcNow()), default);
        var (_, once) = await DreamAsync(mc, run: "run_d2");
        await store.RecordCorrectionAsync(new MailCorrection("mail", "rnews@example.com1", "news@example.com", null, "s", "Newsletters", "INBOX", null, verdict.Source, "run_2", "inbox", mc.Time.GetUtcNow()), default);
        var (_, twice) = await DreamAsync(mc, run: "run_d3");

        Assert.Empty(once);
        var retired = Assert.Single(twice);
        Assert.Equal((DreamLineKind.Retired, proposed.Id), (retired.Kind, retired.RuleId));
        Assert.Contains("you corrected 2 of its 3 verdicts", retired.Evidence, StringComparison.Ordinal);
        Assert.Empty(await rules.AcceptedAsync("mail", default));
        Assert.Equal(LearnedRuleStatus.Retired, (await rules.ListAsync(null, default)).Single().Status);
    }

    [Fact]
    public async Task ADreamThatFailsHalfWay_WritesNothing_AndTheNextDreamWritesItAll()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var rules = mc.Get<ILearnedRules>();
        await DecideAsync(mc, "news@example.com", "newsletter", 5);
        await DecideAsync(mc, "promo@example.com", "spam", 5);
        // The first proposal is written, then the second cannot be (no key): the stand-in for a kill between two writes.
        var broken = new DreamPlan([new RuleProposal("mail", RuleMatch.Sender, "news@example.com", "newsletter", 5, "evidence"),
            new RuleProposal("mail", RuleMatch.Sender, null!, "spam", 5, "evidence")], [], 2);

        await Assert.ThrowsAnyAsync<Microsoft.Data.Sqlite.SqliteException>(() => rules.SaveDreamAsync("run_cut", mc.Time.GetUtcNow(), broken, default));

        Assert.Empty(await rules.ListAsync(null, default));
        Assert.Null(await rules.LatestDreamAsync(default));
        var (_, lines) = await DreamAsync(mc);
        Assert.Equal(2, lines.Count);
        Assert.Equal(2, (await rules.ListAsync(LearnedRuleStatus.Proposed, default)).Count);
    }
}
