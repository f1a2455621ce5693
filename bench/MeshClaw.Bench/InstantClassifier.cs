using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace MeshClaw.Bench;

/// <summary>A zero-latency model for triage: answers every batch with a valid classification of the ids it was shown, with realistic usage.</summary>
public sealed partial class InstantClassifier : IChatClient
{
    [GeneratedRegex(@"^id: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Ids();

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = messages.Last(m => m.Role == ChatRole.User).Text;
        var ids = Ids().Matches(prompt).Select(m => m.Groups[1].Value).ToList();
        var answer = JsonSerializer.Serialize(ids.Select((id, i) => new { id, category = i % 3 == 0 ? "needs-reply" : "fyi", reason = "bench" }));
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = "instant",
            Usage = new UsageDetails { InputTokenCount = prompt.Length / 4, OutputTokenCount = answer.Length / 4 },
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("triage does not stream");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
