using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Loop;

/// <summary>
/// Stands in for a model when none is configured: built-in procedures still run their rules at zero tokens, and a
/// step that needs the model fails with <see cref="ModelNotConfiguredException"/>, saying how to add one.
/// </summary>
public sealed class NoModelChatClient(string why) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new ModelNotConfiguredException(why);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new ModelNotConfiguredException(why);

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>A step needed a model and none is configured; the message says where to add one.</summary>
public sealed class ModelNotConfiguredException(string message) : Exception(message);
