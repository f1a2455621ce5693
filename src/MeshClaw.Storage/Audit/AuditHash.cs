using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MeshClaw.Storage.Audit;

/// <summary>SHA-256 over the previous hash and every field of a record, with field separators that cannot be forged.</summary>
public static class AuditHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(string prevHash, long seq, long atMs, string kind, string actor, string? runId, string data)
    {
        var text = string.Join('\u001f', prevHash, seq.ToString(CultureInfo.InvariantCulture), atMs.ToString(CultureInfo.InvariantCulture), kind, actor, runId ?? "", data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
