using System.Security.Cryptography;
using MeshClaw.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace MeshClaw.Host.Access;

/// <summary>
/// Keeps dashboard sessions server-side, in the store: the cookie carries only a random key (protected by ASP.NET's
/// data protection), so signing out ends the session for real and a restart of the gateway keeps people signed in.
/// </summary>
public sealed class DashboardTicketStore(ISessionStore sessions) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) =>
        sessions.SetAsync(key, TicketSerializer.Default.Serialize(ticket), ticket.Properties.ExpiresUtc, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        await sessions.GetAsync(key, CancellationToken.None) is { } bytes ? TicketSerializer.Default.Deserialize(bytes) : null;

    public Task RemoveAsync(string key) => sessions.RemoveAsync(key, CancellationToken.None);
}
