using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MeshClaw.Bench;

/// <summary>Adds up the time spent inside the model pipeline, so the loop's own time is what remains.</summary>
public sealed class TimedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private long _ticks;

    public int Calls { get; private set; }
    public TimeSpan ModelTime => Stopwatch.GetElapsedTime(0, _ticks);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        finally
        {
            _ticks += Stopwatch.GetTimestamp() - start;
            Calls++;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            _ticks += Stopwatch.GetTimestamp() - start;
            yield return update;
            start = Stopwatch.GetTimestamp();
        }

        _ticks += Stopwatch.GetTimestamp() - start;
        Calls++;
    }
}
