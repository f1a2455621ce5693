namespace MeshClaw.Core.Usage;

/// <summary>Price of one model in money per million tokens. Cached input defaults to the full input price.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion = null);
