namespace MeshClaw.Core.Usage;

/// <summary>
/// The user-editable price table. Lookups are by provider model id, then by the longest matching prefix
/// (so "gpt-4o-2024-08-06" finds "gpt-4o"); unknown models cost zero, which the usage report shows as such.
/// </summary>
public sealed class PriceTable(IReadOnlyDictionary<string, ModelPrice> prices)
{
    public static readonly PriceTable Empty = new(new Dictionary<string, ModelPrice>());

    public IReadOnlyDictionary<string, ModelPrice> Prices => prices;

    public ModelPrice? Find(string modelId)
    {
        if (prices.TryGetValue(modelId, out var exact))
        {
            return exact;
        }

        return prices
            .Where(p => modelId.StartsWith(p.Key, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(p => p.Key.Length)
            .Select(p => p.Value)
            .FirstOrDefault();
    }

    /// <summary>Cost of a call; input tokens include the cached ones, as OpenAI and Anthropic report them.</summary>
    public decimal Cost(string modelId, long inputTokens, long cachedTokens, long outputTokens)
    {
        if (Find(modelId) is not { } price)
        {
            return 0m;
        }

        var cached = Math.Min(cachedTokens, inputTokens);
        var cachedPrice = price.CachedInputPerMillion ?? price.InputPerMillion;
        return ((inputTokens - cached) * price.InputPerMillion + cached * cachedPrice + outputTokens * price.OutputPerMillion) / 1_000_000m;
    }
}
