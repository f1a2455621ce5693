namespace MeshClaw.Core.Approvals;

/// <summary>Holds tool calls for the user's decision. Pending approvals are stored, so they outlive a restart.</summary>
public interface IApprovalBroker
{
    /// <summary>Stores a new pending approval (its expiry set from the policy) and returns it.</summary>
    Task<Approval> RequestAsync(Approval pending, CancellationToken cancellationToken);

    /// <summary>Completes when the approval is answered or expires; returns it decided.</summary>
    Task<Approval> WaitAsync(string approvalId, CancellationToken cancellationToken);
}
