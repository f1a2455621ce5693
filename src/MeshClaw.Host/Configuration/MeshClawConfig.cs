using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;

namespace MeshClaw.Host.Configuration;

/// <summary>The home folder's config.json, validated.</summary>
public sealed record MeshClawConfig
{
    public int Port { get; init; } = 7788;
    public IReadOnlyDictionary<string, ModelDefinition> Models { get; init; } = new Dictionary<string, ModelDefinition>();
    /// <summary>The model agents use when their file names none.</summary>
    public string? DefaultModel { get; init; }
    public PriceTable Prices { get; init; } = PriceTable.Empty;
}
