namespace MeshClaw.Core.Approvals;

public enum ApprovalStatus
{
    Pending,
    Approved,
    Denied,
    /// <summary>Nobody answered in time; counts as a denial.</summary>
    Expired,
    /// <summary>The run that asked ended (cancelled, paused, failed, interrupted) before anyone answered; it can no longer be answered.</summary>
    Withdrawn,
}
