namespace MeshClaw.Core.Security;

/// <summary>
/// Signed-in dashboard sessions, kept server-side: the browser's cookie names a session, the session is here, so
/// signing out really ends it and a restart does not sign anyone out.
/// </summary>
public interface ISessionStore
{
    Task SetAsync(string key, byte[] ticket, DateTimeOffset? expires, CancellationToken cancellationToken);
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);
    Task RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the entry and returns it, unless it has expired; atomic, so of two callers at most one gets it (a
    /// one-time sign-in code is kept here). Expired entries met on the way are removed too.
    /// </summary>
    Task<byte[]?> TakeAsync(string key, CancellationToken cancellationToken);

    /// <summary>Ends every session (the access token was rotated); returns how many there were.</summary>
    Task<int> RemoveAllAsync(CancellationToken cancellationToken);
}
