using Microsoft.Extensions.AI;

namespace MeshClaw.Models.Pipeline;

/// <summary>
/// Stands in for a model whose API key is not stored yet. It fails only when it is asked, so a fallback without its
/// key never stops the primary model from answering, and a chain that does reach it names the missing secret.
/// </summary>
internal sealed class MissingKeyChatClient(string problem) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(problem);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(problem);

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
