namespace MeshClaw.Core.Audit;

/// <summary>
/// The result of checking the chain: how many records held, the first place it breaks, and the head (last seq and
/// hash) the user can note elsewhere and check later with an anchor.
/// </summary>
public sealed record AuditVerification(long Records, bool Intact, long? BrokenAtSeq, string? Problem)
{
    public long HeadSeq { get; init; }
    public string? HeadHash { get; init; }
    /// <summary>The first keyed (HMAC) record, or null when the chain has no key.</summary>
    public long? KeyedFrom { get; init; }
}
