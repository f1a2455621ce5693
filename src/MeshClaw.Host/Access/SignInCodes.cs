using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MeshClaw.Core.Security;

namespace MeshClaw.Host.Access;

/// <summary>
/// One-time sign-in codes for <c>meshclaw dashboard</c>: minted by an API caller (who holds the token), exchanged once
/// for a dashboard session. Only the code's SHA-256 is stored, in the session store beside the sessions (so rotating
/// the token voids open codes too); taking it is atomic, so a code never works twice.
/// </summary>
public sealed class SignInCodes(ISessionStore store, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private const string Prefix = "sign-in-code:";
    private const int MaxLength = 100;

    public async Task<(string Code, DateTimeOffset Expires)> MintAsync(CancellationToken cancellationToken)
    {
        var code = "sc_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expires = time.GetUtcNow() + Lifetime;
        await store.SetAsync(KeyOf(code), [1], expires, cancellationToken);
        return (code, expires);
    }

    /// <summary>True once for a code that was minted and has not expired; false ever after.</summary>
    public async Task<bool> RedeemAsync(string? code, CancellationToken cancellationToken) =>
        code is { Length: > 3 and <= MaxLength } && code.StartsWith("sc_", StringComparison.Ordinal)
        && await store.TakeAsync(KeyOf(code), cancellationToken) is not null;

    private static string KeyOf(string code) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
