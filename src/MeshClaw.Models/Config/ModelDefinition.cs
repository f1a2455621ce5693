namespace MeshClaw.Models.Config;

/// <summary>A model the user declared in config.json, referenced by its name from agents and fallback chains.</summary>
public sealed record ModelDefinition
{
    public required string Name { get; init; }
    public required ModelKind Kind { get; init; }
    /// <summary>The provider's model id, e.g. <c>llama3.1:8b</c> or <c>claude-sonnet-4-5</c>.</summary>
    public required string ModelId { get; init; }
    /// <summary>For OpenAI-compatible servers, the URL that ends before <c>/chat/completions</c>; for Anthropic, optional.</summary>
    public Uri? BaseUrl { get; init; }
    /// <summary>Name of the secret holding the API key; the key itself never appears in config.</summary>
    public string? ApiKeySecret { get; init; }
    /// <summary>Names of models to try, in order, when this one fails.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
    public int MaxRetries { get; init; } = 2;
    public int MaxOutputTokens { get; init; } = 4096;
}
