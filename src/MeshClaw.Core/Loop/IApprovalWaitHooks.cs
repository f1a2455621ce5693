namespace MeshClaw.Core.Loop;

/// <summary>Lets the loop save its checkpoint before a call waits for approval, and mark the run going again after.</summary>
public interface IApprovalWaitHooks
{
    Task ParkingAsync(string approvalId, CancellationToken cancellationToken);
    Task ResumedAsync(CancellationToken cancellationToken);
}
