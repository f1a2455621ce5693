namespace MeshClaw.Core.Runs;

/// <summary>A run as stored: header, outcome and totals. Transcript and tool calls are in <see cref="RunDetail"/>.</summary>
public sealed record RunRecord
{
    public required RunId Id { get; init; }
    public required string Agent { get; init; }
    public required RunTrigger Trigger { get; init; }
    public string? Session { get; init; }
    public required string Input { get; init; }
    public RunStatus Status { get; init; } = RunStatus.Running;
    public string? StatusReason { get; init; }
    public string? Answer { get; init; }
    public RunUsage Usage { get; init; } = RunUsage.Zero;
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>Sources of untrusted content the run read (known for runs finished in this process; not stored on the row).</summary>
    public IReadOnlyList<string> Taint { get; init; } = [];
}
