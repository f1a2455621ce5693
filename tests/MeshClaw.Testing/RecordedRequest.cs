using System.Text.Json;

namespace MeshClaw.Testing;

/// <summary>
/// One HTTP request as the scripted model server received it, kept verbatim so tests can assert
/// on exactly what the agent sent over the wire.
/// </summary>
/// <param name="Protocol">"openai" or "anthropic".</param>
/// <param name="Path">The request path, e.g. "/v1/chat/completions".</param>
/// <param name="Model">The body's "model" field; empty when the body has none.</param>
/// <param name="Stream">Whether the body asked for a streamed answer.</param>
/// <param name="Body">The raw request body.</param>
/// <param name="Headers">Request headers, names case-insensitive, repeated values joined with ", ".</param>
/// <param name="ReceivedAt">When the server read the request.</param>
public sealed record RecordedRequest(
    string Protocol,
    string Path,
    string Model,
    bool Stream,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Parses <see cref="Body"/>; the caller disposes the document.</summary>
    public JsonDocument Json() => JsonDocument.Parse(Body);

    /// <summary>Names of the tools offered (OpenAI: tools[].function.name; Anthropic: tools[].name).</summary>
    public IReadOnlyList<string> ToolNames()
    {
        using var document = Json();
        if (!document.RootElement.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var names = new List<string>();
        foreach (var tool in tools.EnumerateArray())
        {
            // Both wire shapes are accepted whatever the protocol, so a test never depends on how a request was routed.
            var holder = tool.TryGetProperty("function", out var function) ? function : tool;
            if (holder.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                names.Add(name.GetString()!);
            }
        }

        return names;
    }

    /// <summary>
    /// Text of the last user or tool message: user text, or tool result content. An Anthropic user turn carrying
    /// several tool_result blocks gives their texts joined by newlines.
    /// </summary>
    public string LastUserOrToolContent()
    {
        using var document = Json();
        if (!document.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        foreach (var message in messages.EnumerateArray().Reverse())
        {
            var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            if (role is "user" or "tool")
            {
                return message.TryGetProperty("content", out var content) ? TextOf(content) : "";
            }
        }

        return "";
    }

    // Content is a string, or an array of parts (text, tool_result with nested content, images we skip).
    private static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Join("\n", content.EnumerateArray().Select(TextOf).Where(text => text.Length > 0)),
        JsonValueKind.Object when content.TryGetProperty("text", out var text) => TextOf(text),
        JsonValueKind.Object when content.TryGetProperty("content", out var inner) => TextOf(inner),
        _ => "",
    };
}
