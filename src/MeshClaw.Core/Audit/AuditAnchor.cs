using System.Globalization;

namespace MeshClaw.Core.Audit;

/// <summary>A head the user noted (seq and hash, as <c>audit verify</c> prints it): the chain must still hold it.</summary>
public sealed record AuditAnchor(long Seq, string Hash)
{
    public static AuditAnchor? TryParse(string text)
    {
        var parts = text.Split(':', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && parts[1].Length == 64
            ? new AuditAnchor(seq, parts[1].ToLowerInvariant())
            : null;
    }

    public override string ToString() => $"{Seq.ToString(CultureInfo.InvariantCulture)}:{Hash}";
}
