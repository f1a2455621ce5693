namespace MeshClaw.Core.Usage;

/// <summary>Summed usage for one group (an agent, a model, or an agent and model pair).</summary>
public sealed record UsageTotal(
    string Agent,
    string Model,
    int Calls,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long ReasoningTokens,
    decimal Cost,
    double AverageLatencyMs,
    int EstimatedCalls,
    int FailedCalls);

public enum UsageGrouping
{
    AgentAndModel,
    Agent,
    Model,
}
