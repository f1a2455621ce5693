namespace MeshClaw.Testing;

/// <summary>The replies one model name gives, in order; shared by every request naming that model.</summary>
public sealed class ModelScript
{
    private readonly Lock _gate = new();
    private readonly Queue<ScriptedReply> _replies = new();
    private ScriptedReply? _fallback;
    private Func<RecordedRequest, ScriptedReply>? _responder;
    private int _requestCount;

    internal ModelScript()
    {
    }

    /// <summary>How many requests named this model so far, whether or not a reply was left for them.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Queues one reply; replies are served first in, first out.</summary>
    public ModelScript Reply(ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _replies.Enqueue(reply);
        }

        return this;
    }

    /// <summary>The reply served whenever the queue is empty, forever.</summary>
    public ModelScript ReplyAlways(ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _fallback = reply;
        }

        return this;
    }

    /// <summary>
    /// Answers every request the queue leaves unanswered by looking at it (the demo model's way); takes precedence
    /// over <see cref="ReplyAlways"/>.
    /// </summary>
    public ModelScript ReplyBy(Func<RecordedRequest, ScriptedReply> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        lock (_gate)
        {
            _responder = responder;
        }

        return this;
    }

    /// <summary>Counts the request and hands out its reply; null when the script has run dry.</summary>
    internal ScriptedReply? Take(RecordedRequest request)
    {
        Func<RecordedRequest, ScriptedReply>? responder;
        lock (_gate)
        {
            _requestCount++;
            if (_replies.TryDequeue(out var reply))
            {
                return reply;
            }

            if (_responder is null)
            {
                return _fallback;
            }

            responder = _responder;
        }

        // Outside the lock: a responder may parse a large request body.
        return responder(request);
    }
}
