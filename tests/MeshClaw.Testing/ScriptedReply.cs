namespace MeshClaw.Testing;

/// <summary>
/// One answer the scripted model server gives. Immutable, so one instance can be queued many times
/// or served forever through <see cref="ModelScript.ReplyAlways"/>.
/// </summary>
public sealed record ScriptedReply
{
    private ScriptedReply()
    {
    }

    internal ScriptedReplyKind Kind { get; private init; }

    internal string Content { get; private init; } = "";

    internal IReadOnlyList<ScriptedToolCall> Calls { get; private init; } = [];

    /// <summary>Null means the usage object is left out of the response.</summary>
    internal ScriptedUsage? Usage { get; private init; }

    internal int StatusCode { get; private init; }

    internal int? RetryAfterSeconds { get; private init; }

    internal TimeSpan DelayBy { get; private init; }

    internal Task? Gate { get; private init; }

    internal ScriptedReply? Then { get; private init; }

    /// <summary>For <see cref="Raw"/>: the Content-Type sent with <see cref="Content"/>.</summary>
    internal string ContentType { get; private init; } = "";

    /// <summary>For <see cref="CutAfter"/>: how many bytes of the body are sent.</summary>
    internal int CutAt { get; private init; }

    /// <summary>For <see cref="CutAfter"/>: the connection is reset after the cut (else the body simply ends early).</summary>
    internal bool AbortAtCut { get; private init; }

    /// <summary>A plain assistant message; finish_reason "stop" / stop_reason "end_turn".</summary>
    public static ScriptedReply Text(string text, int inputTokens = 10, int outputTokens = 5)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new() { Kind = ScriptedReplyKind.Text, Content = text, Usage = new(inputTokens, outputTokens, 0, 0) };
    }

    /// <summary>One function call; its id ("call_&lt;n&gt;") is assigned when the reply is served.</summary>
    /// <summary>The text this reply answers with (null for tool calls and errors).</summary>
    public string? AnswerText => Kind == ScriptedReplyKind.Text ? Content : Then?.AnswerText;

    /// <summary>The names of the tools this reply calls (none for text and errors).</summary>
    public IReadOnlyList<string> ToolCallNames() => [.. (Then?.ToolCallNames() ?? []), .. Calls.Select(c => c.Name)];

    public static ScriptedReply ToolCall(string toolName, string argumentsJson, int inputTokens = 10, int outputTokens = 5)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        return new()
        {
            Kind = ScriptedReplyKind.ToolCalls,
            Calls = [new ScriptedToolCall(toolName, argumentsJson)],
            Usage = new(inputTokens, outputTokens, 0, 0),
        };
    }

    /// <summary>Several function calls in one reply, as a model asking for parallel tool use does.</summary>
    public static ScriptedReply ToolCalls(params (string ToolName, string ArgumentsJson)[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Length == 0)
        {
            throw new ArgumentException("A tool-call reply needs at least one call.", nameof(calls));
        }

        return new()
        {
            Kind = ScriptedReplyKind.ToolCalls,
            Calls = [.. calls.Select(call => new ScriptedToolCall(call.ToolName, call.ArgumentsJson))],
            Usage = new(10, 5, 0, 0),
        };
    }

    /// <summary>An HTTP error with the protocol's own error body; Retry-After is sent only when given.</summary>
    public static ScriptedReply HttpError(int statusCode, string message, int? retryAfterSeconds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentNullException.ThrowIfNull(message);
        return new()
        {
            Kind = ScriptedReplyKind.HttpError,
            StatusCode = statusCode,
            Content = message,
            RetryAfterSeconds = retryAfterSeconds,
        };
    }

    /// <summary>Waits before answering, giving up when the client cancels (to test timeouts and cancellation).</summary>
    public static ScriptedReply Delay(TimeSpan delay, ScriptedReply then)
    {
        ArgumentNullException.ThrowIfNull(then);
        return new() { Kind = ScriptedReplyKind.Delay, DelayBy = delay, Then = then };
    }

    /// <summary>Holds the answer until the test opens the gate (a barrier, not a guess at timing), giving up when the client cancels.</summary>
    public static ScriptedReply After(Task gate, ScriptedReply then)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(then);
        return new() { Kind = ScriptedReplyKind.Delay, Gate = gate, Then = then };
    }

    /// <summary>
    /// A 200 (or any status) with a body that is not the protocol: an HTML page from a proxy, invalid JSON, an empty body.
    /// </summary>
    public static ScriptedReply Raw(string body, string contentType = "text/html; charset=utf-8", int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contentType);
        return new() { Kind = ScriptedReplyKind.Raw, Content = body, ContentType = contentType, StatusCode = statusCode };
    }

    /// <summary>
    /// Serves <paramref name="then"/> but only its first <paramref name="bytes"/> bytes of body (a stream is cut among its
    /// events): with <paramref name="abort"/> the connection is then reset, as when a proxy or the server dies mid-reply;
    /// without it the body just ends early, as when a server closes a finished-looking response.
    /// </summary>
    public static ScriptedReply CutAfter(int bytes, ScriptedReply then, bool abort = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentNullException.ThrowIfNull(then);
        return new() { Kind = ScriptedReplyKind.Cut, CutAt = bytes, AbortAtCut = abort, Then = then };
    }

    /// <summary>
    /// Sets the reported tokens. <paramref name="inputTokens"/> includes <paramref name="cachedTokens"/>;
    /// reasoning tokens exist only on the OpenAI wire (Anthropic counts them inside output_tokens).
    /// </summary>
    /// <summary>The same reply with the input counts the server measured; the scripted output count is kept.</summary>
    internal ScriptedReply WithMeasuredInput(int inputTokens, int cachedTokens) =>
        this with { Usage = new ScriptedUsage(inputTokens, Usage?.OutputTokens ?? 0, cachedTokens, Usage?.ReasoningTokens ?? 0) };

    public ScriptedReply WithUsage(int inputTokens, int outputTokens, int cachedTokens = 0, int reasoningTokens = 0)
    {
        var usage = new ScriptedUsage(inputTokens, outputTokens, cachedTokens, reasoningTokens);
        return Then is null ? this with { Usage = usage } : this with { Then = Then.WithUsage(inputTokens, outputTokens, cachedTokens, reasoningTokens) };
    }

    /// <summary>
    /// Leaves the OpenAI usage object out entirely, so callers must fall back to their own token estimates.
    /// The Anthropic SDK refuses a message without usage, so that wire reports all-zero counts instead.
    /// </summary>
    public ScriptedReply WithoutUsage() => Then is null ? this with { Usage = null } : this with { Then = Then.WithoutUsage() };
}
