namespace MeshClaw.Core.Dreaming;

/// <summary>Rules mined from triage decisions, the evidence to mine them from, and the dream journal.</summary>
public interface ILearnedRules
{
    /// <summary>Decisions since a time, summed per sender (mail without a list) and per list of each account, for those with at least <paramref name="minDecisions"/>.</summary>
    Task<IReadOnlyList<HabitEvidence>> HabitsAsync(DateTimeOffset since, int minDecisions, CancellationToken cancellationToken);

    /// <summary>Every rule (or those with one status), newest first, with its hits and the user's corrections of them.</summary>
    Task<IReadOnlyList<LearnedRule>> ListAsync(LearnedRuleStatus? status, CancellationToken cancellationToken);

    /// <summary>The accepted rules of one account: what triage applies.</summary>
    Task<IReadOnlyList<LearnedRule>> AcceptedAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a dream's proposals, retirements and journal lines in one transaction (a dream killed half-way writes
    /// nothing). A proposal for a rule that already exists, in any state, is skipped. Returns the journal lines written.
    /// </summary>
    Task<IReadOnlyList<DreamLine>> SaveDreamAsync(string runId, DateTimeOffset at, DreamPlan plan, CancellationToken cancellationToken);

    /// <summary>One rule with its hits and corrections; null when there is no such rule.</summary>
    Task<LearnedRule?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Accepts or rejects a proposed rule; null when there is no such rule, the rule unchanged when it was not proposed.</summary>
    Task<LearnedRule?> DecideAsync(long id, bool accept, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The journal lines of the dreams between two times, oldest first.</summary>
    Task<IReadOnlyList<DreamLine>> JournalAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>When the latest dream that wrote anything ran; null before the first.</summary>
    Task<DateTimeOffset?> LatestDreamAsync(CancellationToken cancellationToken);
}
