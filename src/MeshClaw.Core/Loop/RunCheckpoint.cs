using System.Text.Json;
using MeshClaw.Core.Runs;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// Everything a run parked on an approval needs to go on later, possibly in a new gateway process: the
/// conversation so far, usage, taint, and which call of the last model answer awaits which approval.
/// </summary>
public sealed record RunCheckpoint
{
    public required IList<ChatMessage> Messages { get; init; }
    public required RunUsage Usage { get; init; }
    public required int Seq { get; init; }
    public required int Step { get; init; }
    public required IReadOnlyList<string> Taint { get; init; }
    public required IReadOnlyDictionary<string, int> Changed { get; init; }
    public required int PendingCallIndex { get; init; }
    public required string ApprovalId { get; init; }
    /// <summary>Why the run is blocked (it met an attack), and what the refused calls named; null and empty otherwise.</summary>
    public string? Blocked { get; init; }
    public IReadOnlyList<string> BlockedItems { get; init; } = [];
    /// <summary>Suggest mode is run state: it survives the restart, whatever the messages say.</summary>
    public bool SuggestOnly { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, AIJsonUtilities.DefaultOptions);

    public static RunCheckpoint FromJson(string json) =>
        JsonSerializer.Deserialize<RunCheckpoint>(json, AIJsonUtilities.DefaultOptions) ?? throw new JsonException("empty checkpoint");
}
