namespace MeshClaw.Core.Usage;

/// <summary>Summed usage for one group; <see cref="Key"/> names it (an agent, a model, both, a day or a trigger).</summary>
public sealed record UsageTotal(
    string Key,
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
    Day,
    Trigger,
}
