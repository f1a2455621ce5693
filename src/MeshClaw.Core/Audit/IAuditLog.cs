namespace MeshClaw.Core.Audit;

/// <summary>Append-only, hash-chained log of runs, policy decisions, approvals, actions and configuration changes.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
