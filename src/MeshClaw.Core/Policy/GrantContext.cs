namespace MeshClaw.Core.Policy;

/// <summary>Where and when a call is made, as a grant needs it: the run and the runs above it (for a run's grant), and the time (for expiry).</summary>
public sealed record GrantContext(IReadOnlyList<string> Runs, DateTimeOffset Now)
{
    public static GrantContext For(ToolCallRequest request, DateTimeOffset now) => new([request.Run.Value, .. request.Security.AncestorRuns], now);
}
