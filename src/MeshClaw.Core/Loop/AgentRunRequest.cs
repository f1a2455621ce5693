using MeshClaw.Core.Agents;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>Everything one run needs, resolved by the caller: the agent, its model pipeline and its granted tools.</summary>
public sealed record AgentRunRequest
{
    public required RunId Id { get; init; }
    public required AgentDefinition Agent { get; init; }
    /// <summary>The agent's model pipeline (metering, retries and failover are layers inside it).</summary>
    public required IChatClient Model { get; init; }
    /// <summary>Every tool the model may call by name; the gate still decides on each call.</summary>
    public required ToolCatalog Tools { get; init; }
    public required string Message { get; init; }
    public required RunTrigger Trigger { get; init; }
    public required string Workspace { get; init; }
    public string? Session { get; init; }
    /// <summary>Earlier turns of the chat session (question and answer only), oldest first.</summary>
    public IReadOnlyList<RunRecord> History { get; init; } = [];
    /// <summary>Tokens and cost the agent already spent today, for the per-day budget.</summary>
    public (long Tokens, decimal Cost) SpentToday { get; init; }
    /// <summary>The budget of all agents together, and what they spent today and this month.</summary>
    public OverallBudget? Overall { get; init; }
    public (long Tokens, decimal Cost) OverallSpentToday { get; init; }
    public decimal OverallSpentMonth { get; init; }
    /// <summary>Ask the model to stream; text arrives at the observer as it is generated.</summary>
    public bool Stream { get; init; }
    public IRunObserver Observer { get; init; } = NullRunObserver.Instance;
    /// <summary>Redacts secret values from everything the run stores or shows a model.</summary>
    public ISecretRedactor Redactor { get; init; } = NoRedaction.Instance;
    /// <summary>Sources of untrusted content a parent run had read; a sub-agent starts tainted by them.</summary>
    public IReadOnlyList<string> InheritedTaint { get; init; } = [];
    /// <summary>For a sub-run: the parent's security state, which its changes also count against.</summary>
    public RunSecurityState? ParentSecurity { get; init; }
    /// <summary>Cancelled when the gateway stops: a run waiting for approval then parks instead of ending.</summary>
    public CancellationToken ShutdownToken { get; init; }
}
