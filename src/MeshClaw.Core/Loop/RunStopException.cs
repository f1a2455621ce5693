using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Loop;

/// <summary>Ends a run early with a status and a reason the user can read (budget, loop, step limit, bad model output).</summary>
public sealed class RunStopException(RunStatus status, string reason) : Exception(reason)
{
    public RunStatus Status { get; } = status;
}
