namespace MeshClaw.Core.Policy;

/// <summary>
/// What one of MeshClaw's own background procedures may do without asking again, because the user's settings already
/// decided it (the quarantine purge removes mail whose retention period, set by the user, has passed). Declared by the
/// module that owns the procedure, carried only by that procedure's system runs; pause, grants, taint, the journal and
/// the audit log still apply.
/// </summary>
public sealed record SystemAllowance(string Agent, string Capability, string Reason);
