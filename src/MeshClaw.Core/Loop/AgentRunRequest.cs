using MeshClaw.Core.Agents;
using MeshClaw.Core.Budgets;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>Everything one run needs, resolved by the caller: the agent, its model pipeline and its tools.</summary>
public sealed record AgentRunRequest
{
    public required RunId Id { get; init; }
    public required AgentDefinition Agent { get; init; }
    /// <summary>The agent's model pipeline (metering, retries and failover are layers inside it; the run adds its budget).</summary>
    public required IChatClient Model { get; init; }
    /// <summary>Every tool the model may call by name; the gate still decides on each call.</summary>
    public required ToolCatalog Tools { get; init; }
    /// <summary>The modules' config sections the tools were built from: procedures read their settings here.</summary>
    public ConfigSections Config { get; init; } = ConfigSections.Empty;
    /// <summary>The user's own words (or MeshClaw's, for a schedule or an event): trusted instructions.</summary>
    public required string Message { get; init; }
    public required RunTrigger Trigger { get; init; }
    public required string Workspace { get; init; }
    /// <summary>The user's time zone: the model is told the current time in it.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
    /// <summary>A person started the run and is watching it; follows from the authenticated caller, never from the request text.</summary>
    public bool Interactive { get; init; }
    /// <summary>Content from outside that came with the trigger (a mail, a webhook body): untrusted, and it taints the run from the start.</summary>
    public TriggerContent? TriggerContent { get; init; }
    public string? Session { get; init; }
    /// <summary>Earlier turns of the chat session (question and answer only), oldest first.</summary>
    public IReadOnlyList<RunRecord> History { get; init; } = [];
    /// <summary>The budget of all agents together.</summary>
    public OverallBudget? Overall { get; init; }
    /// <summary>Ask the model to stream; text arrives at the observer as it is generated.</summary>
    public bool Stream { get; init; }
    public IRunObserver Observer { get; init; } = NullRunObserver.Instance;
    /// <summary>Redacts secret values from everything the run stores or shows a model.</summary>
    public ISecretRedactor Redactor { get; init; } = NoRedaction.Instance;
    /// <summary>Sources of untrusted content a parent run (or an earlier chat turn) had read; the run starts tainted by them.</summary>
    public IReadOnlyList<string> InheritedTaint { get; init; } = [];
    /// <summary>The user put this run in suggest mode (a flag, the chat toggle): every change is a proposal; nothing in the run can lift it.</summary>
    public bool SuggestOnly { get; init; }
    /// <summary>For a sub-run: the parent's security state, which its changes also count against.</summary>
    public RunSecurityState? ParentSecurity { get; init; }

    /// <summary>Set only by the coordinator for a system procedure's run, from what the procedure declares.</summary>
    public IReadOnlyList<SystemAllowance> SystemAllowances { get; init; } = [];
    /// <summary>For a sub-run: the parent's budget, which it spends from.</summary>
    public RunBudget? ParentBudget { get; init; }
    /// <summary>Runs sub-agents for this run (the delegate tool).</summary>
    public ISubagentRunner? Subagents { get; init; }
    /// <summary>Cancelled when the gateway stops: a run waiting for approval then parks instead of ending.</summary>
    public CancellationToken ShutdownToken { get; init; }
}
