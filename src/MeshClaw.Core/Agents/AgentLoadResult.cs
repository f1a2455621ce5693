namespace MeshClaw.Core.Agents;

/// <summary>Either an agent or the errors that kept its file from loading.</summary>
public sealed record AgentLoadResult(AgentDefinition? Agent, IReadOnlyList<AgentFileError> Errors)
{
    public bool Succeeded => Agent is not null && Errors.Count == 0;
}
