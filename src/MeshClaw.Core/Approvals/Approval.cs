namespace MeshClaw.Core.Approvals;

/// <summary>A tool call held for the user's decision, with everything needed to decide: full arguments and why it was asked.</summary>
public sealed record Approval
{
    public required string Id { get; init; }
    public required string RunId { get; init; }
    public required string Agent { get; init; }
    public required string Tool { get; init; }
    public required string Capability { get; init; }
    public required string Arguments { get; init; }
    public string? Target { get; init; }
    public required string Reason { get; init; }
    public ApprovalStatus Status { get; init; } = ApprovalStatus.Pending;
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Set by the broker from the policy's approval timeout.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecidedBy { get; init; }
    /// <summary>A standing rule created with the approval, if the user asked for one.</summary>
    public long? StandingRuleId { get; init; }
    /// <summary>Why MeshClaw closed it without an answer (for a withdrawn approval).</summary>
    public string? Note { get; init; }
}
