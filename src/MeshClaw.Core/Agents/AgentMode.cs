namespace MeshClaw.Core.Agents;

/// <summary>Whether an agent's runs act within the policy, or only propose every change for the user to approve.</summary>
public enum AgentMode
{
    Act,
    Suggest,
}
