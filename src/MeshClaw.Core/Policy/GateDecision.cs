namespace MeshClaw.Core.Policy;

/// <summary>Allow or deny, with the reason that goes into the run record and back to the model.</summary>
public sealed record GateDecision(bool Allowed, string Reason)
{
    public static GateDecision Allow(string reason) => new(true, reason);
    public static GateDecision Deny(string reason) => new(false, reason);
}
