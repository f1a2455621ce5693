namespace MeshClaw.Core.Agents;

/// <summary>What one agent may spend. Null limits are unlimited; the step limit always applies.</summary>
public sealed record AgentBudget
{
    public static readonly AgentBudget Default = new();

    public long? TokensPerRun { get; init; }
    public decimal? CostPerRun { get; init; }
    public long? TokensPerDay { get; init; }
    public decimal? CostPerDay { get; init; }
    public int MaxSteps { get; init; } = 12;
}
