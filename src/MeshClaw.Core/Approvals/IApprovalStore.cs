namespace MeshClaw.Core.Approvals;

/// <summary>Durable approvals. A decision is recorded only while the approval is still pending, so an answer counts once.</summary>
public interface IApprovalStore
{
    Task InsertAsync(Approval approval, CancellationToken cancellationToken);

    /// <summary>Records the decision if the approval is still pending and its run has not ended; false otherwise.</summary>
    Task<bool> DecideAsync(string id, ApprovalStatus status, string decidedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Links the standing rule an approval created ("approve always") to it.</summary>
    Task SetStandingRuleAsync(string id, long ruleId, CancellationToken cancellationToken);

    /// <summary>Closes the approvals still pending for a run that ended without them being answered; returns their ids.</summary>
    Task<IReadOnlyList<string>> WithdrawPendingAsync(string runId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Closes pending approvals whose run is no longer waiting (it was interrupted, cancelled or finished); returns how many.</summary>
    Task<int> WithdrawOrphansAsync(DateTimeOffset at, CancellationToken cancellationToken);

    Task<Approval?> GetAsync(string id, CancellationToken cancellationToken);
    Task<IReadOnlyList<Approval>> PendingAsync(CancellationToken cancellationToken);
    Task<IReadOnlyList<Approval>> RecentAsync(int limit, CancellationToken cancellationToken);
}
