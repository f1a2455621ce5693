using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Tools;

/// <summary>Where and for whom a tool call runs, and what the run has read so far (its taint).</summary>
public sealed record ToolContext(string Agent, RunId Run, string Workspace, TimeProvider Time)
{
    public RunTrigger Trigger { get; init; } = new("api");
    /// <summary>Sources of untrusted content the run has read; anything the run writes from here on is derived from them.</summary>
    public IReadOnlyList<string> Taint { get; init; } = [];
    /// <summary>The calling agent's definition (for per-agent limits such as mail folders); null for the user's own undo.</summary>
    public Agents.AgentDefinition? Definition { get; init; }
    /// <summary>The calling run's security state, handed to sub-runs so their changes count against it.</summary>
    public Policy.RunSecurityState? Security { get; init; }
}
