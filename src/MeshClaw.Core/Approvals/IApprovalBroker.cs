namespace MeshClaw.Core.Approvals;

/// <summary>Holds tool calls for the user's decision. Pending approvals are stored, so they outlive a restart.</summary>
public interface IApprovalBroker
{
    /// <summary>Stores a new pending approval (its expiry set from the policy) and returns it.</summary>
    Task<Approval> RequestAsync(Approval pending, CancellationToken cancellationToken);

    /// <summary>Completes when the approval is answered, expires or is withdrawn; returns it decided.</summary>
    Task<Approval> WaitAsync(string approvalId, CancellationToken cancellationToken);

    /// <summary>
    /// Records the user's answer, once, while the approval is pending and has not expired. With a
    /// <paramref name="grant"/>, an approval also makes a grant for the agent and capability, for the grant's scope
    /// (this run, an hour, today, always) and matching the argument values it names.
    /// </summary>
    Task<Approval> AnswerAsync(string approvalId, ApprovalStatus answer, string by, GrantRequest? grant, CancellationToken cancellationToken);

    /// <summary>Closes a run's pending approvals when the run ends without them: they can no longer be answered.</summary>
    Task WithdrawAsync(string runId, string reason, CancellationToken cancellationToken);
}
