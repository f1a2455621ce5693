using System.Text.Json;

namespace MeshClaw.Testing.Demo;

/// <summary>
/// The parts of a chat request the demo model looks at: the user's last own words, and the tool results that came
/// after them, each named after the call it answers. Reads the OpenAI shape (assistant tool_calls, role "tool") and
/// the Anthropic one (tool_use and tool_result blocks).
/// </summary>
internal sealed class Conversation
{
    private Conversation(string lastUserText, IReadOnlyList<(string Tool, string Text)> results)
    {
        LastUserText = lastUserText;
        ResultsSinceUserText = results;
    }

    public string LastUserText { get; }

    public IReadOnlyList<(string Tool, string Text)> ResultsSinceUserText { get; }

    public static Conversation Read(RecordedRequest request)
    {
        using var document = request.Json();
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var userText = "";
        var results = new List<(string, string)>();
        if (!document.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return new Conversation(userText, results);
        }

        foreach (var message in messages.EnumerateArray())
        {
            var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            message.TryGetProperty("content", out var content);
            switch (role)
            {
                case "assistant":
                    RememberCalls(message, content, toolNames);
                    break;
                case "tool":
                    var id = message.TryGetProperty("tool_call_id", out var callId) ? callId.GetString() ?? "" : "";
                    results.Add((toolNames.GetValueOrDefault(id, "tool"), TextOf(content)));
                    break;
                case "user" when HasToolResults(content):
                    foreach (var block in content.EnumerateArray().Where(IsToolResult))
                    {
                        var useId = block.TryGetProperty("tool_use_id", out var u) ? u.GetString() ?? "" : "";
                        results.Add((toolNames.GetValueOrDefault(useId, "tool"), block.TryGetProperty("content", out var inner) ? TextOf(inner) : ""));
                    }

                    break;
                case "user":
                    userText = TextOf(content);
                    results.Clear();
                    break;
            }
        }

        return new Conversation(userText, results);
    }

    private static void RememberCalls(JsonElement message, JsonElement content, Dictionary<string, string> toolNames)
    {
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.TryGetProperty("id", out var id) && call.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var name))
                {
                    toolNames[id.GetString() ?? ""] = name.GetString() ?? "tool";
                }
            }
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (block.TryGetProperty("type", out var type) && type.GetString() == "tool_use" && block.TryGetProperty("id", out var id) && block.TryGetProperty("name", out var name))
                {
                    toolNames[id.GetString() ?? ""] = name.GetString() ?? "tool";
                }
            }
        }
    }

    private static bool HasToolResults(JsonElement content) => content.ValueKind == JsonValueKind.Array && content.EnumerateArray().Any(IsToolResult);

    private static bool IsToolResult(JsonElement block) => block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.GetString() == "tool_result";

    private static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Join("\n", content.EnumerateArray().Select(TextOf).Where(text => text.Length > 0)),
        JsonValueKind.Object when content.TryGetProperty("text", out var text) => TextOf(text),
        _ => "",
    };
}
