namespace MeshClaw.Core.Policy;

/// <summary>
/// Decides on every tool call the model asks for, before anything runs. The agent loop has no other way
/// to reach a tool, and neither do sub-agents, schedules or connectors.
/// </summary>
public interface IToolCallGate
{
    ValueTask<PolicyDecision> DecideAsync(ToolCallRequest request, CancellationToken cancellationToken);
}
