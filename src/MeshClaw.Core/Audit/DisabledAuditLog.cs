namespace MeshClaw.Core.Audit;

/// <summary>Used only when the user switched the audit log off in config.json; `meshclaw doctor` reports that as high severity.</summary>
public sealed class DisabledAuditLog : IAuditLog
{
    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken) => Task.CompletedTask;
}
