namespace MeshClaw.Core.Policy;

/// <summary>
/// Decides on every tool call the model asks for, before anything runs. The agent loop has no other way
/// to reach a tool.
/// </summary>
public interface IToolCallGate
{
    ValueTask<GateDecision> DecideAsync(ToolCallRequest request, CancellationToken cancellationToken);
}
