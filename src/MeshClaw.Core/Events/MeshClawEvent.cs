using MeshClaw.Core.Approvals;
using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Events;

/// <summary>Something happened that a watcher (the dashboard, Slack, a test) may want to know about at once.</summary>
public abstract record MeshClawEvent(string Name, DateTimeOffset At);

public sealed record ApprovalRequested(Approval Approval, DateTimeOffset At) : MeshClawEvent("approval.requested", At);

public sealed record ApprovalAnswered(Approval Approval, DateTimeOffset At) : MeshClawEvent("approval.answered", At);

public sealed record RunStarted(RunRecord Run, DateTimeOffset At) : MeshClawEvent("run.started", At);

public sealed record RunEnded(RunRecord Run, DateTimeOffset At) : MeshClawEvent("run.ended", At);

public sealed record PauseChanged(bool Paused, string By, DateTimeOffset At) : MeshClawEvent(Paused ? "meshclaw.paused" : "meshclaw.resumed", At);
