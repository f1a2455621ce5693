namespace MeshClaw.Core.Loop;

/// <summary>Limits of the loop itself, beyond each agent's budget.</summary>
public sealed record AgentLoopOptions
{
    /// <summary>The same tool with the same arguments more often than this is a loop.</summary>
    public int MaxIdenticalToolCalls { get; init; } = 2;
    /// <summary>After this many malformed tool calls the run fails instead of asking the model again.</summary>
    public int MaxMalformedToolCalls { get; init; } = 3;
}
