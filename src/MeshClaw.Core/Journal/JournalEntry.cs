using MeshClaw.Core.Tools;

namespace MeshClaw.Core.Journal;

/// <summary>One mutation MeshClaw made (or meant to make), with how to undo it.</summary>
public sealed record JournalEntry
{
    public required long Id { get; init; }
    public required string RunId { get; init; }
    public required string Agent { get; init; }
    public required string Tool { get; init; }
    public required string Capability { get; init; }
    public required ToolRisk Risk { get; init; }
    public required string Arguments { get; init; }
    public string? Target { get; init; }
    public int Items { get; init; } = 1;
    public required JournalStatus Status { get; init; }
    public string? Result { get; init; }
    public ToolInverse? Inverse { get; init; }
    /// <summary>For an undo: the entry it reverted.</summary>
    public long? Undoes { get; init; }
    public required DateTimeOffset At { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
