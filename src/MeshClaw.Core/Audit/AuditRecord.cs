namespace MeshClaw.Core.Audit;

/// <summary>One stored audit record, as chained: its hash covers every field and the previous record's hash.</summary>
public sealed record AuditRecord(long Seq, DateTimeOffset At, string Kind, string Actor, string? RunId, string Data, string PrevHash, string Hash);
