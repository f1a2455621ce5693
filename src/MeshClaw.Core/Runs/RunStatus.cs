namespace MeshClaw.Core.Runs;

/// <summary>How a run ended (or that it has not yet).</summary>
public enum RunStatus
{
    Running,
    /// <summary>Parked on a pending approval; resumed from its checkpoint when the user answers (even after a restart).</summary>
    WaitingApproval,
    Succeeded,
    Failed,
    Cancelled,
    BudgetStopped,
    /// <summary>The run met an attack: after it read untrusted content, a call that would send outside, run code or change MeshClaw was refused.</summary>
    Blocked,
    /// <summary>The gateway stopped (crash or kill) while the run was going; found and marked at the next start.</summary>
    Interrupted,
}
