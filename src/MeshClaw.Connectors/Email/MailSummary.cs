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
    string? InReplyTo,
    string? ListId = null)
{
    /// <summary>The list's identifier from a List-Id header (<c>"Dev" &lt;dev.lists.example.org&gt;</c> → <c>dev.lists.example.org</c>), lower case.</summary>
    public static string? ListIdentifier(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var open = header.LastIndexOf('<');
        var close = header.LastIndexOf('>');
        var id = open >= 0 && close > open ? header[(open + 1)..close] : header;
        return id.Trim().ToLowerInvariant() is { Length: > 0 } value ? value : null;
    }
}
