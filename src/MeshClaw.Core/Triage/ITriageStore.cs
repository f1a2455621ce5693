namespace MeshClaw.Core.Triage;

/// <summary>What mail triage decided for each message (so it is never decided twice), and its digests.</summary>
public interface ITriageStore
{
    Task<HashSet<string>> DecidedAsync(string account, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);
    /// <summary>Records a decision and its outcome (mail triaged) together.</summary>
    Task RecordAsync(TriageDecision decision, CancellationToken cancellationToken);
    /// <summary>The categories the model gave each of these senders' recent mail, newest first, at most <paramref name="limit"/> each.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> SenderHistoryAsync(string account, IReadOnlyCollection<string> senders, int limit, CancellationToken cancellationToken);
    Task AddDigestAsync(string runId, string agent, string text, DateTimeOffset at, CancellationToken cancellationToken);
    Task<string?> LatestDigestAsync(string agent, CancellationToken cancellationToken);
    /// <summary>How many of a run's decisions each source (a rule, the model) made.</summary>
    Task<IReadOnlyList<(string Source, int Count)>> SourcesAsync(string runId, CancellationToken cancellationToken);
}
