namespace MeshClaw.Core.Insights;

/// <summary>What runs produced (mail triaged, draft created, question answered) and the user's verdict on each.</summary>
public interface IOutcomes
{
    Task AddAsync(NewOutcome outcome, CancellationToken cancellationToken);
    /// <summary>Newest first; <paramref name="before"/> pages on from the last id seen.</summary>
    Task<IReadOnlyList<Outcome>> RecentAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken, long? before = null);
    /// <summary>Records the user's verdict on an outcome; false when there is no such outcome.</summary>
    Task<bool> FeedbackAsync(long outcome, OutcomeVerdict verdict, DateTimeOffset at, CancellationToken cancellationToken);
}
