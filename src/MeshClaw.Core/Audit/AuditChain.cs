using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MeshClaw.Core.Audit;

/// <summary>
/// The hash of one audit record: over the previous record's hash and every field, with separators that cannot be
/// forged. Records from <see cref="AuditKey.KeyedFrom"/> on are keyed (HMAC-SHA256 with a key kept in the secrets
/// store, not in the database), so whoever can write the database but not read the secrets cannot rewrite the chain
/// and recompute it. Records written before the key existed stay plain SHA-256.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(AuditKey? key, string prevHash, long seq, long atMs, string kind, string actor, string? runId, string data)
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\u001f', prevHash, seq.ToString(CultureInfo.InvariantCulture), atMs.ToString(CultureInfo.InvariantCulture), kind, actor, runId ?? "", data));
        var hash = key is not null && seq >= key.KeyedFrom ? HMACSHA256.HashData(key.Key, text) : SHA256.HashData(text);
        return Convert.ToHexStringLower(hash);
    }
}
