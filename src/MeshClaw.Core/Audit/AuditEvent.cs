namespace MeshClaw.Core.Audit;

/// <summary>
/// One record for the tamper-evident audit log. <paramref name="Kind"/> is dotted (<c>policy.decision</c>,
/// <c>approval.answered</c>, <c>action.done</c>); <paramref name="Actor"/> says who acted (an agent, the user).
/// </summary>
public sealed record AuditEvent(string Kind, string Actor, string? RunId, object Data);
