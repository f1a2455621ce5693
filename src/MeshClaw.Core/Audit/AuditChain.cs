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
        using var hasher = new Hasher(key);
        return hasher.Compute(prevHash, seq, atMs, kind, actor, runId, data);
    }

    /// <summary>
    /// The same hash with its hash contexts kept between records: verifying a million records spends its time hashing,
    /// not setting up HMAC contexts. One caller at a time.
    /// </summary>
    public sealed class Hasher(AuditKey? key) : IDisposable
    {
        private readonly IncrementalHash _plain = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash? _keyed = key is null ? null : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Key);
        private readonly byte[] _hash = new byte[SHA256.HashSizeInBytes];

        public string Compute(string prevHash, long seq, long atMs, string kind, string actor, string? runId, string data)
        {
            var text = Encoding.UTF8.GetBytes(string.Join('\u001f', prevHash, seq.ToString(CultureInfo.InvariantCulture), atMs.ToString(CultureInfo.InvariantCulture), kind, actor, runId ?? "", data));
            var hash = _keyed is not null && seq >= key!.KeyedFrom ? _keyed : _plain;
            hash.AppendData(text);
            hash.GetHashAndReset(_hash);
            return Convert.ToHexStringLower(_hash);
        }

        public void Dispose()
        {
            _plain.Dispose();
            _keyed?.Dispose();
        }
    }
}
