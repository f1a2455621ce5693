using MeshClaw.Core.Audit;
using MeshClaw.Core.Security;

namespace MeshClaw.Host.Access;

/// <summary>Rotating the access token revokes everything the old one opened: the token itself and every dashboard session.</summary>
public static class TokenRotation
{
    /// <summary>Stores a new token, ends every session, audits it; returns the new token and how many sessions ended.</summary>
    public static async Task<(string Token, int SessionsEnded)> RotateAsync(ISecretStore secrets, ISessionStore sessions, IAuditLog audit, string by, CancellationToken cancellationToken)
    {
        var token = AccessToken.Rotate(secrets);
        var ended = await sessions.RemoveAllAsync(cancellationToken);
        await audit.AppendAsync(new AuditEvent("access.token-rotated", by, null, new { sessionsEnded = ended }), cancellationToken);
        return (token, ended);
    }
}
