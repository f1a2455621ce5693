namespace MeshClaw.Core.Agents;

/// <summary>What all agents together may spend (config.json "budgets"); a warning shows from <see cref="WarnAt"/> of a limit.</summary>
public sealed record OverallBudget
{
    public long? TokensPerDay { get; init; }
    public decimal? CostPerDay { get; init; }
    public decimal? CostPerMonth { get; init; }
    public double WarnAt { get; init; } = 0.8;
}
