using MeshClaw.Core.Approvals;
using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Loop;

/// <summary>Live view of a run for streaming to the CLI and dashboard. Observers must not throw.</summary>
public interface IRunObserver
{
    ValueTask OnTextAsync(string delta, CancellationToken cancellationToken);
    ValueTask OnToolCallAsync(ToolCallRecord call, CancellationToken cancellationToken);
    ValueTask OnApprovalAsync(Approval approval, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();

    public ValueTask OnTextAsync(string delta, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    public ValueTask OnToolCallAsync(ToolCallRecord call, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
