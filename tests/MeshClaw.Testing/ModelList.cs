using System.Text.Json.Nodes;

namespace MeshClaw.Testing;

/// <summary>
/// The GET /v1/models answer. One payload carries both the OpenAI fields (object, owned_by) and the
/// Anthropic ones (type, display_name, has_more), so either SDK can list models.
/// </summary>
internal static class ModelList
{
    public static JsonObject Build(IReadOnlyList<string> scriptedModels)
    {
        var names = scriptedModels.Count > 0 ? [.. scriptedModels.Order(StringComparer.Ordinal)] : new[] { "scripted-model" };
        var data = new JsonArray();
        foreach (var name in names)
        {
            data.Add(new JsonObject
            {
                ["id"] = name,
                ["object"] = "model",
                ["created"] = 0,
                ["owned_by"] = "meshclaw-testing",
                ["type"] = "model",
                ["display_name"] = name,
                ["created_at"] = "2025-01-01T00:00:00Z",
            });
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["has_more"] = false,
            ["first_id"] = names[0],
            ["last_id"] = names[^1],
        };
    }
}
