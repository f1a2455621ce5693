namespace MeshClaw.Core.Audit;

/// <summary>Reads the audit log: recent records, and a walk of the whole chain that finds tampering.</summary>
public interface IAuditReader
{
    /// <summary>Walks the chain; with an anchor, also checks the record the user noted is still there unchanged.</summary>
    Task<AuditVerification> VerifyAsync(AuditAnchor? anchor, CancellationToken cancellationToken);

    /// <summary>Recent records, newest first, optionally of one run only.</summary>
    Task<IReadOnlyList<AuditRecord>> RecentAsync(int limit, string? runId, CancellationToken cancellationToken);
}
