using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace MeshClaw.Bench;

/// <summary>
/// The scripted week's model: it knows each message's true category (the excerpt carries it, as a careful reader
/// would find it in the text) and errs on a fixed tenth of the messages, choosing a plausible wrong category.
/// Usage is counted like a real provider's: about four characters per token.
/// </summary>
public sealed partial class WeekClassifier(double errorRate) : IChatClient
{
    private static readonly string[] Categories = ["urgent", "needs-reply", "fyi", "newsletter", "notification", "spam"];

    [GeneratedRegex(@"id: (\S+)\n[\s\S]*?truth=([a-z-]+)")]
    private static partial Regex Items();

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = messages.Last(m => m.Role == ChatRole.User).Text;
        var answer = JsonSerializer.Serialize(Items().Matches(prompt).Select(m =>
        {
            var (id, truth) = (m.Groups[1].Value, m.Groups[2].Value);
            var hash = (uint)id.Aggregate(17, (h, c) => unchecked(h * 31 + c));
            var category = hash % 1000 < errorRate * 1000 ? Categories[(Array.IndexOf(Categories, truth) + 1 + (int)(hash % 5)) % Categories.Length] : truth;
            return new { id, category, reason = "week" };
        }));
        var system = messages.First().Text;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = "week",
            Usage = new UsageDetails { InputTokenCount = (system.Length + prompt.Length) / 4, OutputTokenCount = answer.Length / 4 },
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("triage does not stream");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
