namespace MeshClaw.Core.Triage;

/// <summary>What the store knows about the senders and lists of a batch of mail; <see cref="For"/> picks one message's share.</summary>
public sealed record TriageKnowledge(
    IReadOnlyDictionary<string, IReadOnlyList<string>> History,
    IReadOnlyDictionary<string, MailCorrection> SenderCorrections,
    IReadOnlyDictionary<string, MailCorrection> ListCorrections,
    IReadOnlyDictionary<string, IReadOnlySet<string>> SuspendedRules,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ListHistory)
{
    /// <summary>Recent verdicts on quiet, list-less mail by domain (newest first): see <see cref="DomainVerdict"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DomainVerdict>> DomainHistory { get; init; } = new Dictionary<string, IReadOnlyList<DomainVerdict>>();

    /// <summary>
    /// A correction of the message's list wins over one of its sender: the user sorted the list, whoever posts to it.
    /// So does the list's history: many people post to a list once, and the list as a whole has the habit.
    /// </summary>
    public SenderKnowledge For(string sender, string? listId) => new()
    {
        ModelHistory = (listId is not null ? ListHistory.GetValueOrDefault(listId) : null) is { Count: >= 3 } list ? list : History.GetValueOrDefault(sender) ?? [],
        Correction = (listId is not null ? ListCorrections.GetValueOrDefault(listId) : null) ?? SenderCorrections.GetValueOrDefault(sender),
        SuspendedRules = SuspendedRules.GetValueOrDefault(sender) ?? new HashSet<string>(),
        DomainHistory = DomainHistory.GetValueOrDefault(DomainOf(sender)) ?? [],
    };

    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..].ToLowerInvariant();
}
