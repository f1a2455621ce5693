namespace MeshClaw.Core.Tools;

/// <summary>What a check against the target system found for an action whose result was never recorded.</summary>
public enum ReconcileOutcome
{
    Done,
    NotDone,
    Unknown,
}
