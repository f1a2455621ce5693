namespace MeshClaw.Host.Configuration;

/// <summary>The config.json written on first start: no model yet, and a starting price table to edit.</summary>
public static class DefaultConfig
{
    public const string Json = """
        {
          "port": 7788,
          "defaultModel": null,
          "models": {},
          "prices": {
            "gpt-4o-mini": { "inputPerMillion": 0.15, "cachedInputPerMillion": 0.075, "outputPerMillion": 0.60 },
            "gpt-4o": { "inputPerMillion": 2.50, "cachedInputPerMillion": 1.25, "outputPerMillion": 10.00 },
            "gpt-4.1": { "inputPerMillion": 2.00, "cachedInputPerMillion": 0.50, "outputPerMillion": 8.00 },
            "claude-sonnet-4": { "inputPerMillion": 3.00, "cachedInputPerMillion": 0.30, "outputPerMillion": 15.00 },
            "claude-haiku-4": { "inputPerMillion": 1.00, "cachedInputPerMillion": 0.10, "outputPerMillion": 5.00 }
          }
        }

        """;
}
