using MeshClaw.Connectors.Email.Triage;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Triage;

namespace MeshClaw.Tests.Email;

/// <summary>What triage remembers in SQLite: corrections (newest wins, list before sender), history never learned from a corrected verdict, accuracy by kind.</summary>
public sealed class TriageStoreTests
{
    private static TriageDecision Decision(TestMeshClaw mc, string id, string sender, string category, string source, string? folder, string? listId = null) =>
        new("mail", id, sender, "subject " + id, category, source, "why", folder, "run_1", "inbox", mc.Time.GetUtcNow(), listId);

    private static MailCorrection Correction(TestMeshClaw mc, string id, string sender, string from, string to, string? category, string decidedBy, string? listId = null) =>
        new("mail", id, sender, listId, "subject " + id, from, to, category, decidedBy, "run_2", "inbox", mc.Time.GetUtcNow());

    [Fact]
    public async Task Knowledge_TakesTheNewestCorrection_PrefersTheList_AndNeverLearnsACorrectedVerdict()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var store = mc.Get<ITriageStore>();
        foreach (var i in Enumerable.Range(1, 3))
        {
            await store.RecordAsync(Decision(mc, $"m{i}", "ann@x.example", "newsletter", "model", "Newsletters"), default);
            mc.Time.Advance(TimeSpan.FromMinutes(1));
        }

        await store.RecordCorrectionAsync(Correction(mc, "m3", "ann@x.example", "Newsletters", "INBOX", null, "model"), default);
        mc.Time.Advance(TimeSpan.FromMinutes(1));
        await store.RecordAsync(Decision(mc, "l1", "bob@lists.example", "newsletter", TriageRules.ListHeaders, "Newsletters", "dev.lists.example"), default);
        await store.RecordCorrectionAsync(Correction(mc, "l1", "bob@lists.example", "Newsletters", "INBOX", null, TriageRules.ListHeaders, "dev.lists.example"), default);
        mc.Time.Advance(TimeSpan.FromMinutes(1));
        await store.RecordCorrectionAsync(Correction(mc, "m3", "ann@x.example", "INBOX", "Notifications", "notification", "model"), default);

        var knowledge = await store.KnowledgeAsync("mail", ["ann@x.example", "bob@lists.example"], ["dev.lists.example"], 3, default);

        Assert.Equal(["newsletter", "newsletter"], knowledge.For("ann@x.example", null).ModelHistory);
        Assert.Equal("Notifications", knowledge.For("ann@x.example", null).Correction!.ToFolder);
        Assert.Equal("INBOX", knowledge.For("ann@x.example", "dev.lists.example").Correction!.ToFolder);
        Assert.Null(knowledge.For("carl@x.example", null).Correction);
        var filed = await store.FiledSinceAsync("mail", mc.Time.GetUtcNow().AddHours(-1), default);
        Assert.Equal("Notifications", filed.Single(f => f.MessageId == "m3").Location);
        Assert.Equal("Newsletters", filed.Single(f => f.MessageId == "m1").Location);
    }

    [Fact]
    public async Task Knowledge_GivesEachSendersDomain_ItsRecentQuietVerdictsWithoutALists_NewestFirst_WithWhereTheUserMovedThem()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var store = mc.Get<ITriageStore>();
        await store.RecordAsync(Decision(mc, "d1", "ann@Corp.example", "fyi", "model", null), default);
        mc.Time.Advance(TimeSpan.FromMinutes(1));
        await store.RecordAsync(Decision(mc, "d2", "bob@corp.example", "newsletter", "model", "Newsletters"), default);
        await store.RecordCorrectionAsync(Correction(mc, "d2", "bob@corp.example", "Newsletters", "INBOX", null, "model"), default);
        mc.Time.Advance(TimeSpan.FromMinutes(1));
        await store.RecordAsync(Decision(mc, "d3", "cy@corp.example", "fyi", TriageRules.KnownDomain, null), default);
        await store.RecordAsync(Decision(mc, "d4", "dan@corp.example", "fyi", "model", null, "team.corp.example"), default);
        await store.RecordAsync(Decision(mc, "d5", "eve@corp.example", "needs-reply", "model", null) with { Quiet = false }, default);
        await store.RecordAsync(Decision(mc, "d6", "fay@corp.example", "fyi", TriageRules.Tool, null), default);
        await store.RecordAsync(Decision(mc, "o1", "ann@other.example", "fyi", "model", null), default);

        var knowledge = await store.KnowledgeAsync("mail", ["new@corp.example"], [], 3, default);

        Assert.Equal(
            [new DomainVerdict("cy@corp.example", "fyi", TriageRules.KnownDomain, null), new DomainVerdict("bob@corp.example", "newsletter", "model", "INBOX"), new DomainVerdict("ann@Corp.example", "fyi", "model", null)],
            knowledge.For("new@CORP.example", null).DomainHistory);
        Assert.Empty(knowledge.For("new@elsewhere.example", null).DomainHistory);
    }

    [Fact]
    public async Task ARuleCorrectedTwiceForASender_IsSuspendedForIt_AndAccuracyAndWasteSayHowOftenEachKindWasWrong()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var store = mc.Get<ITriageStore>();
        foreach (var i in Enumerable.Range(1, 6))
        {
            await store.RecordAsync(Decision(mc, $"n{i}", "news@shop.example", "newsletter", TriageRules.ListHeaders, "Newsletters"), default);
        }

        await store.RecordAsync(Decision(mc, "p1", "pat@corp.example", "fyi", "model", null), default);
        await store.RecordCorrectionAsync(Correction(mc, "n1", "news@shop.example", "Newsletters", "Junk", "spam", TriageRules.ListHeaders), default);
        var once = await store.KnowledgeAsync("mail", ["news@shop.example"], [], 3, default);
        await store.RecordCorrectionAsync(Correction(mc, "n2", "news@shop.example", "Newsletters", "Junk", "spam", TriageRules.ListHeaders), default);
        var twice = await store.KnowledgeAsync("mail", ["news@shop.example"], [], 3, default);

        Assert.Empty(once.For("news@shop.example", null).SuspendedRules);
        Assert.Equal([TriageRules.ListHeaders], twice.For("news@shop.example", null).SuspendedRules);
        var accuracy = await store.AccuracyAsync(mc.Time.GetUtcNow().AddDays(-1), default);
        Assert.Equal(new TriageAccuracy("list headers", 6, 2, 0), accuracy.Single(a => a.Kind == "list headers"));
        Assert.Equal(1, accuracy.Single(a => a.Kind == "model").Verdicts);
        var waste = await mc.Get<IInsights>().WasteAsync(mc.Time.GetUtcNow().AddDays(-1), default);
        Assert.Contains(waste, w => w.Kind == "wrong verdicts" && w.What == "list headers verdicts: you corrected 2 of 6");
        var outcomes = mc.Get<IOutcomes>();
        Assert.Equal(2, (await outcomes.RecentAsync(mc.Time.GetUtcNow().AddDays(-1), 100, default)).Count(o => o.Kind == "mail.triaged" && o.Feedback == "corrected"));
    }

    [Fact]
    public async Task Outcomes_PageOnFromTheLastIdSeen()
    {
        await using var mc = await TestMeshClaw.CreateAsync();
        var outcomes = mc.Get<IOutcomes>();
        foreach (var i in Enumerable.Range(1, 7))
        {
            await outcomes.AddAsync(new NewOutcome("run_1", "a", "answer", $"o{i}", null, "model", mc.Time.GetUtcNow()), default);
        }

        var since = mc.Time.GetUtcNow().AddDays(-1);
        var first = await outcomes.RecentAsync(since, 3, default);
        var second = await outcomes.RecentAsync(since, 3, default, first[^1].Id);
        var last = await outcomes.RecentAsync(since, 3, default, second[^1].Id);

        Assert.Equal(["o7", "o6", "o5", "o4", "o3", "o2", "o1"], first.Concat(second).Concat(last).Select(o => o.Subject));
    }
}
