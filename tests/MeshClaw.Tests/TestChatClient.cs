using Microsoft.Extensions.AI;

namespace MeshClaw.Tests;

/// <summary>A model driven by a delegate (the dotnet/extensions TestChatClient style).</summary>
public sealed class TestChatClient(Func<IList<ChatMessage>, int, CancellationToken, Task<ChatResponse>> respond) : IChatClient
{
    public int Calls { get; private set; }
    public List<List<ChatMessage>> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Requests.Add(list);
        return respond(list, ++Calls, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    public static ChatResponse Text(string text, long input = 10, long output = 5) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output } };

    public static ChatResponse Call(string tool, Dictionary<string, object?>? args = null, string id = "c1") =>
        new(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(id, tool, args ?? [])])) { Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } };
}
