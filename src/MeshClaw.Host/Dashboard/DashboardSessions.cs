using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Signed-in browser sessions, in memory: a random session id in an HttpOnly, SameSite=Strict cookie, and a
/// per-session CSRF token every form must carry. A restart signs everyone out (they sign in again with the token).
/// </summary>
public sealed class DashboardSessions(TimeProvider time)
{
    public const string Cookie = "meshclaw_session";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    public DashboardSession Create()
    {
        var session = new DashboardSession(Random(), Random(), time.GetUtcNow() + Lifetime);
        _sessions[session.Id] = session;
        return session;
    }

    public DashboardSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (session.Expires < time.GetUtcNow())
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        return session;
    }

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

public sealed record DashboardSession(string Id, string Csrf, DateTimeOffset Expires)
{
    /// <summary>Seen in the constant time it takes to compare, whatever the guess.</summary>
    public bool CsrfMatches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(Csrf), System.Text.Encoding.UTF8.GetBytes(candidate));
}
