using System.Text.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;

namespace MeshClaw.Tests.Policy;

/// <summary>
/// Grants made while approving, over the real SQLite store and broker on a fake clock: each scope's match and expiry,
/// what the audit log says about them, and revocation.
/// </summary>
public sealed class GrantTests
{
    private static readonly JsonElement MoveArguments = JsonSerializer.SerializeToElement(new { id = "m1", folder = "Newsletters" });

    private static async Task<Approval> AskAsync(TestMeshClaw meshclaw, string runId = "run_a", string agent = "inbox", string capability = "email.move",
        string arguments = """{"id":"m1","folder":"Newsletters"}""") =>
        await meshclaw.Approvals.RequestAsync(new Approval
        {
            Id = "apr_" + Guid.NewGuid().ToString("N")[..12], RunId = runId, Agent = agent, Tool = "email_move", Capability = capability,
            Arguments = arguments, Reason = "test", CreatedAt = meshclaw.Time.GetUtcNow(),
        }, default);

    private static async Task<StandingRule> GrantAsync(TestMeshClaw meshclaw, GrantRequest grant, string runId = "run_a")
    {
        var approved = await meshclaw.Approvals.AnswerAsync((await AskAsync(meshclaw, runId)).Id, ApprovalStatus.Approved, "user:test", grant, default);
        return (await meshclaw.Rules.GetAsync(approved.StandingRuleId!.Value, default))!;
    }

    private static StandingRule? Match(TestMeshClaw meshclaw, object arguments, params string[] runs) =>
        meshclaw.Rules.Match("inbox", "email.move", JsonSerializer.SerializeToElement(arguments), new GrantContext(runs, meshclaw.Time.GetUtcNow()));

    private static async Task<List<string>> AuditKindsAsync(TestMeshClaw meshclaw) =>
        [.. (await meshclaw.AuditReader.RecentAsync(100, null, default)).OrderBy(r => r.Seq).Select(r => r.Kind).Where(k => k.StartsWith("grant.", StringComparison.Ordinal))];

    [Fact]
    public async Task RunGrant_AllowsTheCapabilityWithAnyArguments_InItsRunAndSubRuns_NowhereElse_AndClosesWhenTheRunEnds()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync();
        await meshclaw.Runs.CreateAsync(new RunRecord { Id = new RunId("run_a"), Agent = "inbox", Trigger = new RunTrigger(RunTriggerKind.Api), Input = "x", StartedAt = meshclaw.Time.GetUtcNow() }, default);
        var grant = await GrantAsync(meshclaw, new GrantRequest(GrantScope.Run));

        Assert.Equal((GrantScope.Run, "run_a", (DateTimeOffset?)null, "{}"), (grant.Scope, grant.RunId, grant.ExpiresAt, grant.Match.GetRawText()));
        Assert.NotNull(Match(meshclaw, new { id = "m2", folder = "Archive" }, "run_a"));
        Assert.NotNull(Match(meshclaw, new { id = "m3" }, "run_child", "run_a"));
        Assert.Null(Match(meshclaw, new { id = "m1", folder = "Newsletters" }, "run_b"));
        Assert.Null(meshclaw.Rules.Match("inbox", "email.send", MoveArguments, new GrantContext(["run_a"], meshclaw.Time.GetUtcNow())));
        Assert.Null(meshclaw.Rules.Match("other", "email.move", MoveArguments, new GrantContext(["run_a"], meshclaw.Time.GetUtcNow())));

        var book = meshclaw.Get<GrantBook>();
        Assert.Empty(await book.SweepAsync(default));
        await meshclaw.Runs.CompleteAsync(new RunId("run_a"), RunStatus.Succeeded, null, "ok", RunUsage.Zero, meshclaw.Time.GetUtcNow(), default);
        var closed = Assert.Single(await book.SweepAsync(default));

        Assert.Equal(grant.Id, closed.Id);
        Assert.Empty(meshclaw.Rules.All);
        Assert.Equal("run run_a ended", (await meshclaw.Rules.GetAsync(grant.Id, default))!.EndReason);
        Assert.Equal(["grant.added", "grant.expired"], await AuditKindsAsync(meshclaw));
    }

    [Fact]
    public async Task HourGrant_StopsMatchingAtItsExpiry_OnTheClock_AndTheSweepAuditsItOnce()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync();
        var grant = await GrantAsync(meshclaw, new GrantRequest(GrantScope.Hour));
        var book = meshclaw.Get<GrantBook>();

        Assert.Equal(meshclaw.Time.GetUtcNow().AddHours(1), grant.ExpiresAt);
        meshclaw.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(Match(meshclaw, new { id = "other", folder = "Elsewhere" }, "run_z"));
        Assert.Empty(await book.SweepAsync(default));
        meshclaw.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(Match(meshclaw, new { id = "other", folder = "Elsewhere" }, "run_z"));
        Assert.Single(await book.SweepAsync(default));
        Assert.Empty(await book.SweepAsync(default));
        Assert.Empty(await book.ListAsync(includeEnded: false, default));
        Assert.StartsWith("expired at", Assert.Single(await book.ListAsync(includeEnded: true, default)).EndReason, StringComparison.Ordinal);
        Assert.Equal(["grant.added", "grant.expired"], await AuditKindsAsync(meshclaw));
    }

    [Fact]
    public async Task TodayGrant_EndsAtLocalMidnight_InThePolicyTimeZone()
    {
        // 22:30 UTC on 30 November is 23:30 in Berlin: "today" there ends half an hour later, not at UTC midnight.
        await using var meshclaw = await TestMeshClaw.CreateAsync(new DateTimeOffset(2026, 11, 30, 22, 30, 0, TimeSpan.Zero),
            config: """{"timeZone":"Europe/Berlin"}""");

        var grant = await GrantAsync(meshclaw, new GrantRequest(GrantScope.Today));

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero), grant.ExpiresAt!.Value.ToUniversalTime());
        meshclaw.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.NotNull(Match(meshclaw, new { id = "m9" }, "run_q"));
        meshclaw.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(Match(meshclaw, new { id = "m9" }, "run_q"));
    }

    [Fact]
    public void TodaysEnd_WhereMidnightDoesNotExist_IsTheFirstMomentOfTheNextDay()
    {
        // Cuba moves its clocks from 00:00 to 01:00 on the second Sunday of March (8 March 2026).
        var havana = TimeZoneInfo.FindSystemTimeZoneById("America/Havana");
        var noon = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.FromHours(-5));

        var end = GrantScopes.ExpiryOf(GrantScope.Today, noon, havana);

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), end!.Value.ToUniversalTime());
        Assert.Null(GrantScopes.ExpiryOf(GrantScope.Always, noon, havana));
        Assert.Null(GrantScopes.ExpiryOf(GrantScope.Run, noon, havana));
    }

    [Fact]
    public async Task AlwaysGrant_KeepsTheNarrowMatchOnEveryArgument_AndNamedFieldsNarrowAnHoursGrant()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync();

        var always = await GrantAsync(meshclaw, new GrantRequest(GrantScope.Always));
        var hour = await GrantAsync(meshclaw, new GrantRequest(GrantScope.Hour, ["folder"]));

        Assert.Equal("""{"id":"m1","folder":"Newsletters"}""", always.Match.GetRawText());
        Assert.Null(always.ExpiresAt);
        Assert.Equal("""{"folder":"Newsletters"}""", hour.Match.GetRawText());
        Assert.Equal(hour.Id, Match(meshclaw, new { id = "m7", folder = "Newsletters" }, "run_x")?.Id);
        Assert.Null(Match(meshclaw, new { id = "m7", folder = "Archive" }, "run_x"));
        await Assert.ThrowsAsync<ArgumentException>(() => GrantAsync(meshclaw, new GrantRequest(GrantScope.Hour, ["to"])));
    }

    [Fact]
    public async Task DeniedAnswer_MakesNoGrant()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync();

        var denied = await meshclaw.Approvals.AnswerAsync((await AskAsync(meshclaw)).Id, ApprovalStatus.Denied, "user:test", new GrantRequest(GrantScope.Today), default);

        Assert.Null(denied.StandingRuleId);
        Assert.Empty(meshclaw.Rules.All);
    }

    [Fact]
    public async Task RevokedGrant_NeverMatchesAgain_IsAuditedWithWhoRevokedIt_AndCannotBeRevokedTwice()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync();
        var grant = await GrantAsync(meshclaw, new GrantRequest(GrantScope.Always));
        var book = meshclaw.Get<GrantBook>();

        var revoked = await book.RevokeAsync(grant.Id, "user:cli", default);

        Assert.Equal("revoked by user:cli", revoked.EndReason);
        Assert.Null(Match(meshclaw, new { id = "m1", folder = "Newsletters" }, "run_a"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => book.RevokeAsync(grant.Id, "user:cli", default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => book.RevokeAsync(999, "user:cli", default));
        var audit = (await meshclaw.AuditReader.RecentAsync(100, null, default)).Single(r => r.Kind == "grant.revoked");
        Assert.Equal("user:cli", audit.Actor);
        Assert.Contains("\"scope\":\"always\"", audit.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsksPerUsefulRun_CountsApprovalsAgainstRunsWithAnOutcomeTheUserDidNotReject()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync();
        var outcomes = meshclaw.Get<IOutcomes>();
        var now = meshclaw.Time.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await AskAsync(meshclaw, runId: $"run_{i}");
        }

        await AskAsync(meshclaw, runId: "run_s", agent: "sender");
        await outcomes.AddAsync(new NewOutcome("run_0", "inbox", "mail.triaged", "a", null, "model", now), default);
        await outcomes.AddAsync(new NewOutcome("run_0", "inbox", "mail.triaged", "b", null, "model", now), default);
        await outcomes.AddAsync(new NewOutcome("run_1", "inbox", "draft.created", "c", null, "model", now), default);
        await outcomes.AddAsync(new NewOutcome("run_2", "inbox", "draft.created", "d", null, "model", now), default);
        var discarded = (await outcomes.RecentAsync(now.AddDays(-1), 10, default)).Single(o => o.Subject == "d");
        await outcomes.FeedbackAsync(discarded.Id, OutcomeVerdict.Discarded, now, default);

        var figures = await meshclaw.Get<IInsights>().AsksAsync(now.AddDays(-1), default);

        var inbox = figures.Single(f => f.Agent == "inbox");
        Assert.Equal((3L, 2L, 1.5), (inbox.Asks, inbox.UsefulRuns, inbox.AsksPerUsefulRun));
        var sender = figures.Single(f => f.Agent == "sender");
        Assert.Equal((1L, 0L, (double?)null), (sender.Asks, sender.UsefulRuns, sender.AsksPerUsefulRun));
        Assert.Equal(2.0, AskFigure.Total(figures).AsksPerUsefulRun);
        Assert.Empty(await meshclaw.Get<IInsights>().AsksAsync(now.AddMinutes(1), default));
    }
}
