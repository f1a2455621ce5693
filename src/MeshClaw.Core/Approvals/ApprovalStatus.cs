namespace MeshClaw.Core.Approvals;

public enum ApprovalStatus
{
    Pending,
    Approved,
    Denied,
    /// <summary>Nobody answered in time; counts as a denial.</summary>
    Expired,
}
