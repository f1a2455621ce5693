namespace MeshClaw.Storage.Audit;

/// <summary>The result of checking the chain: how many records held, and the first place it breaks.</summary>
public sealed record AuditVerification(long Records, bool Intact, long? BrokenAtSeq, string? Problem);
