using System.Security.Cryptography;
using System.Text;
using MeshClaw.Core.Security;

namespace MeshClaw.Host.Access;

/// <summary>The gateway's access token, created on first start and kept in the secrets store.</summary>
public sealed class AccessToken
{
    public const string SecretName = "meshclaw.access-token";
    private readonly byte[] _hash;

    private AccessToken(string value) => _hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>Loads the token, creating it when there is none; <paramref name="created"/> says whether to show it.</summary>
    public static AccessToken LoadOrCreate(ISecretStore secrets, out string value, out bool created)
    {
        var existing = secrets.Get(SecretName);
        created = existing is null;
        value = existing ?? "mc_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        if (created)
        {
            secrets.Set(SecretName, value);
        }

        return new AccessToken(value);
    }

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
