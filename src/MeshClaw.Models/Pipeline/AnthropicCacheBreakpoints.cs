using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace MeshClaw.Models.Pipeline;

/// <summary>
/// Sets Anthropic's prompt-cache breakpoints, which that API (unlike OpenAI's automatic prefix cache) needs spelled out:
/// at the end of the instructions (tools and system, the same for every run of the agent), at the end of the session's
/// history (the prefix the next turn repeats), and at the end of the request (what the run's next step after a tool
/// call repeats). The caller's messages are never marked in place: they live on in the loop's state, and marks left in
/// them would pile up past the API's limit of four per request.
/// </summary>
public sealed class AnthropicCacheBreakpoints(IChatClient inner) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Mark(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Mark(messages), options, cancellationToken);

    /// <summary>A copy of <paramref name="messages"/> with at most three breakpoints; the originals are left as they were.</summary>
    public static List<ChatMessage> Mark(IEnumerable<ChatMessage> messages)
    {
        var marked = messages.ToList();
        var at = new SortedSet<int>();
        if (marked.FindLastIndex(m => m.Role == ChatRole.System) is >= 0 and var system)
        {
            at.Add(system);
        }

        // The history ends just before the newest user message; a run's later steps add the model's calls and tool results after it.
        if (marked.FindLastIndex(m => m.Role == ChatRole.User) is > 0 and var newest)
        {
            at.Add(newest - 1);
        }

        if (marked.Count > 0)
        {
            at.Add(marked.Count - 1);
        }

        foreach (var index in at)
        {
            marked[index] = WithBreakpoint(marked[index]);
        }

        return marked;
    }

    // Only text and tool results can be copied faithfully; a message ending otherwise (a bare tool call) is left unmarked.
    private static ChatMessage WithBreakpoint(ChatMessage message)
    {
        if (message.Contents.Count == 0)
        {
            return message;
        }

        AIContent? copy = message.Contents[^1] switch
        {
            TextContent text => new TextContent(text.Text),
            FunctionResultContent result => new FunctionResultContent(result.CallId, result.Result),
            _ => null,
        };
        if (copy is null)
        {
            return message;
        }

        var clone = message.Clone();
        clone.Contents = [.. message.Contents.Take(message.Contents.Count - 1), copy.WithCacheControl(new CacheControlEphemeral())];
        return clone;
    }
}
