namespace MeshClaw.Core.Dreaming;

/// <summary>
/// A rule mined from repeated triage decisions: mail from one sender (or on one list) of one account goes to
/// <see cref="Category"/>. Proposed by a dream, it does nothing until the user accepts it; then triage applies it before
/// any model call, at zero tokens. It only chooses a category: filing still goes through the gate and the journal.
/// <see cref="Hits"/> and <see cref="Corrected"/> count its verdicts and those the user moved back.
/// </summary>
public sealed record LearnedRule(
    long Id, string Account, RuleMatch Match, string Key, string Category, LearnedRuleStatus Status, string Evidence, int Decisions,
    DateTimeOffset ProposedAt, DateTimeOffset? DecidedAt, string? RetiredWhy, long Hits = 0, long Corrected = 0)
{
    /// <summary>The source its verdicts are recorded with, so their corrections can be counted against it.</summary>
    public string Source => SourceOf(Id);

    public static string SourceOf(long id) => $"{SourcePrefix}{id}";

    public const string SourcePrefix = "rule:learned:";

    /// <summary>Whether this rule speaks for a message from <paramref name="sender"/> on <paramref name="listId"/>.</summary>
    public bool Matches(string sender, string? listId) => Match switch
    {
        RuleMatch.List => listId is not null && string.Equals(listId, Key, StringComparison.OrdinalIgnoreCase),
        _ => listId is null && string.Equals(sender, Key, StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>The rule in a few words: "mail from news@example.com → newsletter".</summary>
    public string Describe() => $"{(Match == RuleMatch.List ? "mail on list " : "mail from ")}{Key} -> {Category}";
}
