namespace MeshClaw.Core.Policy;

public enum PolicyVerdict
{
    Allow,
    /// <summary>Hold the call until the user approves it (or the approval expires, which is a denial).</summary>
    Ask,
    Deny,
}
