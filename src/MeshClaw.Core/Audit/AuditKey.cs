using System.Globalization;
using System.Security.Cryptography;
using MeshClaw.Core.Security;

namespace MeshClaw.Core.Audit;

/// <summary>
/// The audit chain's key and the first record it covers, both kept in the secrets store (outside the database), so
/// that moving the start of the keyed part back is as impossible as forging a keyed hash.
/// </summary>
public sealed record AuditKey(byte[] Key, long KeyedFrom)
{
    public const string SecretName = "meshclaw.audit-key";

    /// <summary>The stored key, or null when the log has never been keyed (or the store cannot be read).</summary>
    public static AuditKey? Load(ISecretStore secrets)
    {
        var value = secrets.Get(SecretName);
        var parts = value?.Split(':');
        return parts is { Length: 2 } && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            ? new AuditKey(Convert.FromBase64String(parts[0]), from)
            : null;
    }

    /// <summary>The stored key, or a new one that covers the log from <paramref name="nextSeq"/> on.</summary>
    public static AuditKey LoadOrCreate(ISecretStore secrets, long nextSeq)
    {
        if (Load(secrets) is { } existing)
        {
            return existing;
        }

        var key = new AuditKey(RandomNumberGenerator.GetBytes(32), nextSeq);
        secrets.Set(SecretName, $"{Convert.ToBase64String(key.Key)}:{nextSeq.ToString(CultureInfo.InvariantCulture)}");
        return key;
    }
}
