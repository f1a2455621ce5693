using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MeshClaw.Testing.Demo;

/// <summary>
/// A model with no intelligence and no network, for trying MeshClaw without one: it calls any offered tool whose
/// name says "time", reads the files the user names (notes.txt) with an offered read_file tool, and then repeats
/// what the tools returned. Deterministic, so a walkthrough or a review gives the same answer every time; token
/// counts are estimated from the text (4 characters a token), as a local server without usage reporting would be.
/// </summary>
public static partial class DemoModel
{
    public const string Name = "demo";

    private const int ResultPreviewChars = 400;

    /// <summary>The reply to one request, OpenAI or Anthropic wire alike.</summary>
    public static ScriptedReply Answer(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var conversation = Conversation.Read(request);
        var inputTokens = Math.Max(1, request.Body.Length / 4);
        if (conversation.ResultsSinceUserText.Count > 0)
        {
            return Text(Summarize(conversation.ResultsSinceUserText), inputTokens);
        }

        var calls = PlanCalls(request.ToolNames(), conversation.LastUserText);
        if (calls.Count > 0)
        {
            return ScriptedReply.ToolCalls([.. calls]).WithUsage(inputTokens, 10 * calls.Count);
        }

        var said = conversation.LastUserText.Length > 200 ? conversation.LastUserText[..200] + "…" : conversation.LastUserText;
        return Text(
            $"(demo model) You said: \"{said}\". I am MeshClaw's model stub: I call a time tool when I have one, read the files you name (like notes.txt) when I may, and tell you what the tools returned.",
            inputTokens);
    }

    private static List<(string ToolName, string ArgumentsJson)> PlanCalls(IReadOnlyList<string> offered, string userText)
    {
        var calls = new List<(string, string)>();
        foreach (var tool in offered.Where(name => name.Contains("time", StringComparison.OrdinalIgnoreCase)))
        {
            calls.Add((tool, "{}"));
        }

        var reader = offered.FirstOrDefault(name => name.EndsWith("read_file", StringComparison.Ordinal));
        if (reader is not null)
        {
            foreach (var file in FileName().Matches(userText).Select(match => match.Value).Distinct(StringComparer.Ordinal))
            {
                calls.Add((reader, JsonSerializer.Serialize(new Dictionary<string, string> { ["path"] = file })));
            }
        }

        return calls;
    }

    private static string Summarize(IReadOnlyList<(string Tool, string Text)> results)
    {
        var answer = new StringBuilder("(demo model) Here is what the tools returned:");
        foreach (var (tool, text) in results)
        {
            var preview = text.Length > ResultPreviewChars ? text[..ResultPreviewChars] + "…" : text;
            answer.Append("\n- ").Append(tool).Append(": ").Append(preview.Trim());
        }

        return answer.ToString();
    }

    private static ScriptedReply Text(string text, int inputTokens) => ScriptedReply.Text(text, inputTokens, Math.Max(1, text.Length / 4));

    // A word with an extension: notes.txt, plan-v2.md. Trailing sentence dots are not part of it.
    [GeneratedRegex(@"\b[\w][\w-]*(?:\.[\w-]+)*\.[A-Za-z0-9]{1,8}\b")]
    private static partial Regex FileName();
}
