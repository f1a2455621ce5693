using MeshClaw.Core.Insights;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// What happened overnight, for the home page's first glance. Every figure comes from the stores the usage page reads
/// (triage decisions and outcomes through <see cref="IInsights"/>, tokens and cost from the ledger itself); nothing is
/// estimated here. Alerts and proposed rules have no store yet (no monitor or dreamer writes one), so they are left out
/// rather than shown as a zero that would claim none happened.
/// </summary>
public sealed record Overnight(
    DateTimeOffset Since, int Runs, bool RunsCapped, int RunsFailed, long MailTriaged, long MailByRules, long DraftsWaiting,
    long QuestionsAnswered, long Tokens, decimal Cost, int ModelCalls, long CachedTokens)
{
    private const int RunsLooked = 500;

    /// <summary>
    /// The last 18:00 in the user's time zone. "Overnight", read in the morning, is everything since the end of the
    /// working day; a fixed boundary also makes two looks on the same morning agree, where a rolling 12 hours would drop
    /// the evening's work as the morning goes on.
    /// </summary>
    public static DateTimeOffset Start(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var evening = local.Date.AddHours(18);
        if (local < evening)
        {
            evening = evening.AddDays(-1);
        }

        return new DateTimeOffset(evening, zone.GetUtcOffset(evening));
    }

    public static async Task<Overnight> ReadAsync(DateTimeOffset since, IInsights insights, IUsageLedger ledger, IRunStore runs, CancellationToken cancellationToken)
    {
        var value = await insights.ValueAsync(since, cancellationToken);
        // The ledger read from a moment that is not a UTC midnight sums the calls themselves, so the figure is exact
        // (the value summary's token figures come from whole days).
        var spent = await ledger.TotalsAsync(since, UsageGrouping.Agent, cancellationToken);
        var recent = await runs.ListAsync(RunsLooked, null, cancellationToken);
        var inWindow = recent.Where(r => r.StartedAt >= since).ToList();
        var drafts = value.ByKind.FirstOrDefault(k => k.Kind == "draft.created");
        return new Overnight(
            since, inWindow.Count, inWindow.Count == RunsLooked, inWindow.Count(r => r.Status is RunStatus.Failed or RunStatus.BudgetStopped or RunStatus.Blocked),
            value.Triaged, value.SettledByRules,
            // Accepted and discarded drafts have a verdict; the rest still wait for the user.
            drafts is null ? 0 : drafts.Count - drafts.Useful - drafts.NotUseful,
            value.ByKind.FirstOrDefault(k => k.Kind == "question.answered")?.Count ?? 0,
            spent.Sum(t => t.InputTokens + t.OutputTokens), spent.Sum(t => t.Cost), spent.Sum(t => t.Calls), spent.Sum(t => t.CachedTokens));
    }
}
