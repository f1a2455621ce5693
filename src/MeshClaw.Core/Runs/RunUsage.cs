namespace MeshClaw.Core.Runs;

/// <summary>What a run consumed across all its model calls.</summary>
public sealed record RunUsage(long InputTokens, long OutputTokens, long CachedTokens, long ReasoningTokens, decimal Cost, int ModelCalls)
{
    public static readonly RunUsage Zero = new(0, 0, 0, 0, 0m, 0);

    public long TotalTokens => InputTokens + OutputTokens;

    public RunUsage Add(long input, long output, long cached, long reasoning, decimal cost) =>
        new(InputTokens + input, OutputTokens + output, CachedTokens + cached, ReasoningTokens + reasoning, Cost + cost, ModelCalls + 1);
}
