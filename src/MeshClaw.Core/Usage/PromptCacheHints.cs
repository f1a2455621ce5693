namespace MeshClaw.Core.Usage;

/// <summary>An agent whose requests to a caching provider seldom read from the cache: something early in its prompt changes.</summary>
public sealed record PromptCacheHint(string Agent, string Model, int Calls, double CachedShare);

/// <summary>
/// Finds agents whose prompt prefix keeps changing. Only where it can matter: enough calls, prompts long enough for a
/// provider to cache (about 1,024 tokens), and a model that caches (it is Anthropic's, or some of its calls read
/// from a cache), so a local server that reports no caching is never blamed.
/// </summary>
public static class PromptCacheHints
{
    public const int MinimumCalls = 10;
    public const long CacheablePrompt = 1024;
    public const double LowShare = 0.2;

    public static IReadOnlyList<PromptCacheHint> Find(IReadOnlyList<UsageTotal> byAgentAndModel, Func<string, bool> isAnthropic)
    {
        ArgumentNullException.ThrowIfNull(byAgentAndModel);
        ArgumentNullException.ThrowIfNull(isAnthropic);
        var caching = byAgentAndModel.Where(t => t.CachedTokens > 0).Select(t => t.Model).ToHashSet(StringComparer.Ordinal);
        return [.. byAgentAndModel
            .Where(t => t.Calls >= MinimumCalls && t.InputTokens / t.Calls >= CacheablePrompt && (caching.Contains(t.Model) || isAnthropic(t.Model)))
            .Select(t => new PromptCacheHint(t.Agent, t.Model, t.Calls, (double)t.CachedTokens / t.InputTokens))
            .Where(h => h.CachedShare < LowShare)
            .OrderBy(h => h.CachedShare)];
    }
}
