using MeshClaw.Core.Usage;

namespace MeshClaw.Tests.Usage;

/// <summary>The usage page points at an agent whose prompt prefix keeps changing, and never at a model that cannot cache.</summary>
public sealed class PromptCacheHintTests
{
    private static UsageTotal Total(string agent, string model, int calls, long input, long cached) =>
        new($"{agent}/{model}", agent, model, calls, input, 100, cached, 0, 0m, 100, 0, 0);

    [Fact]
    public void AnAgentThatMissesTheCache_OnACachingModel_IsNamed_ButNotOnALocalModel_NorWithFewOrShortCalls()
    {
        IReadOnlyList<UsageTotal> totals =
        [
            Total("steady", "claude", 40, 400_000, 300_000),   // 75% cached: fine
            Total("churning", "claude", 40, 400_000, 4_000),   // 1%: its prefix changes
            Total("fresh", "gpt", 12, 120_000, 0),             // gpt caches for another agent
            Total("other", "gpt", 12, 120_000, 90_000),
            Total("local", "ollama", 50, 500_000, 0),          // a server that reports no caching
            Total("short", "claude", 50, 20_000, 0),           // prompts too short to cache
            Total("rare", "claude", 3, 30_000, 0),             // too few calls to judge
        ];

        var hints = PromptCacheHints.Find(totals, model => model == "claude");

        Assert.Equal(["fresh", "churning"], hints.Select(h => h.Agent));
        Assert.Equal(0.01, hints[1].CachedShare, 3);
    }
}
