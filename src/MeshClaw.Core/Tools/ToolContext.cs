using System.Collections.Concurrent;
using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Tools;

/// <summary>Where and for whom a tool call runs, and what the run has read so far (its taint).</summary>
public sealed record ToolContext(string Agent, RunId Run, string Workspace, TimeProvider Time)
{
    public RunTrigger Trigger { get; init; } = new(RunTriggerKind.Api);
    /// <summary>Sources of untrusted content the run has read; anything the run writes from here on is derived from them.</summary>
    public IReadOnlyList<string> Taint { get; init; } = [];
    /// <summary>The calling agent's definition (for per-agent limits such as mail folders); null when the agent file is gone.</summary>
    public Agents.AgentDefinition? Definition { get; init; }
    /// <summary>The calling run's security state, handed to sub-runs so their changes count against it.</summary>
    public Policy.RunSecurityState? Security { get; init; }
    /// <summary>The calling run's budget, which a sub-run spends from.</summary>
    public Budgets.RunBudget? Budget { get; init; }
    /// <summary>Runs a sub-agent for this run (the delegate tool); null outside a run.</summary>
    public ISubagentRunner? Subagents { get; init; }
    /// <summary>Set when the call is the user's undo of an earlier action (the only path allowed to take files back out of .trash).</summary>
    public bool IsUndo { get; init; }
    /// <summary>
    /// The journal id of the action being carried out or reconciled, so a tool can mark what it creates with it and find
    /// it again by looking (a draft carries it in a header); null for reads.
    /// </summary>
    public long? Action { get; init; }
    /// <summary>State tools keep for the length of one run (e.g. how full a folder was when the run first took mail out of it).</summary>
    public ConcurrentDictionary<string, object> RunItems { get; init; } = new(StringComparer.Ordinal);
}
