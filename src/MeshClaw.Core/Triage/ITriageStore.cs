namespace MeshClaw.Core.Triage;

/// <summary>What mail triage decided for each message (so it is never decided twice), the user's corrections, and its digests.</summary>
public interface ITriageStore
{
    Task<HashSet<string>> DecidedAsync(string account, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);
    /// <summary>Records a decision and its outcome (mail triaged) together.</summary>
    Task RecordAsync(TriageDecision decision, CancellationToken cancellationToken);

    /// <summary>
    /// For these senders and lists: the model's recent verdicts the user did not correct (newest first, at most
    /// <paramref name="historyLimit"/> each), the latest correction of each sender and list, and the built-in rules
    /// the user corrected more than once for a sender.
    /// </summary>
    Task<TriageKnowledge> KnowledgeAsync(string account, IReadOnlyCollection<string> senders, IReadOnlyCollection<string> listIds, int historyLimit, CancellationToken cancellationToken);

    /// <summary>Decisions since a time, with where each message should be now (its folder, INBOX, or where the user last put it).</summary>
    Task<IReadOnlyList<FiledMail>> FiledSinceAsync(string account, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Records a correction, marks the decision (and its outcome) corrected, and adds a mail.corrected outcome, together.</summary>
    Task RecordCorrectionAsync(MailCorrection correction, CancellationToken cancellationToken);

    /// <summary>Verdicts and corrections by kind of source since a time, with the tokens each non-model kind saved.</summary>
    Task<IReadOnlyList<TriageAccuracy>> AccuracyAsync(DateTimeOffset since, CancellationToken cancellationToken);

    Task AddDigestAsync(string runId, string agent, string text, DateTimeOffset at, CancellationToken cancellationToken);
    Task<string?> LatestDigestAsync(string agent, CancellationToken cancellationToken);
    /// <summary>How many of a run's decisions each source (a rule, the model) made.</summary>
    Task<IReadOnlyList<(string Source, int Count)>> SourcesAsync(string runId, CancellationToken cancellationToken);
}
