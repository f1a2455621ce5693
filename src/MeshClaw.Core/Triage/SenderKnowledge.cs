namespace MeshClaw.Core.Triage;

/// <summary>
/// What triage knows about one sender (or its list) before deciding: the model's recent verdicts the user did not
/// correct (newest first), the user's latest correction, the built-in rules the user corrected more than once here, and
/// the recent verdicts on quiet mail from others at the sender's domain.
/// </summary>
public sealed record SenderKnowledge
{
    public static readonly SenderKnowledge None = new();

    public IReadOnlyList<string> ModelHistory { get; init; } = [];
    public MailCorrection? Correction { get; init; }
    public IReadOnlySet<string> SuspendedRules { get; init; } = new HashSet<string>();
    public IReadOnlyList<DomainVerdict> DomainHistory { get; init; } = [];
}
