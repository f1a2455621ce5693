using System.Security.Cryptography;
using System.Text;
using MeshClaw.Core.Security;

namespace MeshClaw.Host.Access;

/// <summary>
/// The gateway's access token, created on first start and kept in the secrets store. Every check reads the stored
/// value (the store looks at its file at most every 50 ms), so <c>meshclaw token rotate</c> takes effect on a running
/// gateway at once: the old token stops working, the new one works.
/// </summary>
public sealed class AccessToken(ISecretStore secrets)
{
    public const string SecretName = "meshclaw.access-token";

    /// <summary>Loads the token, creating it when there is none; <paramref name="created"/> says whether to show it.</summary>
    public static AccessToken LoadOrCreate(ISecretStore secrets, out string value, out bool created)
    {
        var existing = secrets.Get(SecretName);
        created = existing is null;
        value = existing ?? New();
        if (created)
        {
            secrets.Set(SecretName, value);
        }

        return new AccessToken(secrets);
    }

    /// <summary>Replaces the token with a new one and returns it.</summary>
    public static string Rotate(ISecretStore secrets)
    {
        var value = New();
        secrets.Set(SecretName, value);
        return value;
    }

    public bool Matches(string candidate) =>
        secrets.Get(SecretName) is { } current
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(current)), SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    private static string New() => "mc_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
