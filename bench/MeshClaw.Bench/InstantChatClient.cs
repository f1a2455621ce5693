using Microsoft.Extensions.AI;

namespace MeshClaw.Bench;

/// <summary>A model with zero latency that always asks for the time tool, with usage, like the scripted server would.</summary>
public sealed class InstantChatClient : IChatClient
{
    private int _calls;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _calls);
        var message = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call_{n}", "time_now", new Dictionary<string, object?>())]);
        return Task.FromResult(new ChatResponse(message)
        {
            ModelId = "instant",
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the bench runs the loop without streaming");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
