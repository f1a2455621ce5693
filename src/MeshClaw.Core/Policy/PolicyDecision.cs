namespace MeshClaw.Core.Policy;

/// <summary>The gate's answer for one tool call, with the reason shown to the user and fed back to the model.</summary>
public sealed record PolicyDecision(PolicyVerdict Verdict, string Reason)
{
    public static PolicyDecision Allow(string reason) => new(PolicyVerdict.Allow, reason);
    public static PolicyDecision Ask(string reason) => new(PolicyVerdict.Ask, reason);
    public static PolicyDecision Deny(string reason) => new(PolicyVerdict.Deny, reason);
}
