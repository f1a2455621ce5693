namespace MeshClaw.Core.Tools;

/// <summary>
/// What one call would do, worked out before it runs: its risk (which may depend on the arguments), how many
/// items it touches (for bulk limits), whether its command is on an allow-list, and how to undo it.
/// </summary>
public sealed record ToolCallPlan(ToolRisk Risk)
{
    public int Items { get; init; } = 1;
    /// <summary>The call is on the user's allow-list (e.g. a shell command); once the run is tainted it still needs approval unless it is <see cref="Contained"/>.</summary>
    public bool AllowListed { get; init; }
    /// <summary>
    /// The call runs in the OS sandbox with no network, the workspace its only writable place and MeshClaw's home out of
    /// sight: whatever the run has read, it cannot send anything anywhere.
    /// </summary>
    public bool Contained { get; init; }
    /// <summary>The call that reverts this one, worked out from the state before it runs; null when it cannot be undone.</summary>
    public ToolInverse? Inverse { get; init; }
    /// <summary>A short description of the target, for approvals and the journal (a path, a URL, a command).</summary>
    public string? Target { get; init; }

    /// <summary>Why this call crosses a line no approval may let through (the gate denies it); null for an ordinary call.</summary>
    public string? Forbidden { get; init; }
}
