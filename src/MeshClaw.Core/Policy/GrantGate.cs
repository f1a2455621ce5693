using MeshClaw.Core.Tools;

namespace MeshClaw.Core.Policy;

/// <summary>The baseline gate: a tool runs only when the agent's front matter grants it. Read-only until granted.</summary>
public sealed class GrantGate : IToolCallGate
{
    public ValueTask<GateDecision> DecideAsync(ToolCallRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ToolCatalog.IsGranted(request.Tool, request.Agent.Tools)
            ? GateDecision.Allow($"granted to agent '{request.Agent.Name}'")
            : GateDecision.Deny($"agent '{request.Agent.Name}' has no grant for {request.Tool.Capability} (tool {request.Tool.Name})"));
}
