namespace MeshClaw.Core.Triage;

/// <summary>
/// One earlier verdict on quiet mail from someone at a sender's domain (no list): who, what, by whom (the model or a
/// rule), and where the user moved it if they corrected it. Colleagues at one organisation share a habit even when
/// each writes rarely.
/// </summary>
public sealed record DomainVerdict(string Sender, string Category, string Source, string? CorrectedTo)
{
    /// <summary>The user put it back in the inbox: whatever was said, it belonged there.</summary>
    public bool KeptInInbox => CorrectedTo == MailCorrection.Inbox || (CorrectedTo is null && Category == "fyi");

    /// <summary>The user moved it somewhere other than the inbox.</summary>
    public bool MovedAway => CorrectedTo is not null && CorrectedTo != MailCorrection.Inbox;

    /// <summary>The source of verdicts the domain habit settles.</summary>
    public const string RuleSource = "rule:known-domain";
}
