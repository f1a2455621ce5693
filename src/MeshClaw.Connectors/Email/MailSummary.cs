namespace MeshClaw.Connectors.Email;

/// <summary>The headers triage needs, without the body.</summary>
public sealed record MailSummary(
    string Id,
    uint Uid,
    string From,
    string FromAddress,
    string Subject,
    DateTimeOffset Date,
    bool Seen,
    bool Flagged,
    long Size,
    string? ListUnsubscribe,
    string? Precedence,
    string? AutoSubmitted,
    string? InReplyTo);
