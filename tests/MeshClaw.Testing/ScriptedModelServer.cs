using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshClaw.Testing;

/// <summary>
/// A real HTTP model server on a loopback port that speaks the OpenAI chat-completions and Anthropic Messages
/// protocols, answering from per-model scripts. Integration tests point the real SDKs at it, so the whole
/// client stack (serialization, streaming, retries) is exercised without a network.
/// </summary>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    private const string OpenAIProtocol = "openai";
    private const string AnthropicProtocol = "anthropic";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ModelScript> _scripts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<RequestWaiter> _waiters = [];
    private readonly AnthropicPromptCache _anthropicCache = new();

    // Cancelled on dispose so delayed or streaming replies end at once instead of holding shutdown.
    private readonly CancellationTokenSource _stopping = new();
    private int _toolCallCount;
    private int _disposed;

    private ScriptedModelServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The server root, e.g. http://127.0.0.1:54321/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>BaseUrl + "v1": the OpenAI SDK posts to {this}/chat/completions.</summary>
    public Uri OpenAIBaseUrl => new(BaseUrl, "v1");

    /// <summary>BaseUrl itself: the Anthropic SDK posts to {this}/v1/messages.</summary>
    public Uri AnthropicBaseUrl => BaseUrl;

    /// <summary>Every request so far, all models and paths, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static Task<ScriptedModelServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(0, cancellationToken);

    /// <summary>Starts a server on the given loopback port (0: a free one).</summary>
    public static async Task<ScriptedModelServer> StartAsync(int port, CancellationToken cancellationToken = default)
    {
        // The empty builder reads no configuration, environment or appsettings and logs nothing,
        // so a test's surroundings cannot change how the server behaves.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton<IHostLifetime>(new QuietHostLifetime());

        var app = builder.Build();
        var server = new ScriptedModelServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);

        // With port 0 Kestrel reports the port it actually bound once started.
        var address = app.Urls.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>
    /// Anthropic requests are answered with measured usage instead of the scripted counts: the prompt's size and the
    /// part Anthropic's prompt cache would have read (<see cref="AnthropicPromptCache"/>), so a test or benchmark sees
    /// whether MeshClaw's requests are built for the cache.
    /// </summary>
    public bool MeasuresAnthropicCache { get; set; }

    /// <summary>The script for requests whose "model" field equals <paramref name="model"/>; created on first use.</summary>
    public ModelScript For(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _scripts.GetOrAdd(model, _ => new ModelScript());
    }

    /// <summary>
    /// Completes with the first request, already arrived or still to come, that matches <paramref name="predicate"/>;
    /// throws <see cref="TimeoutException"/> naming the predicate and what did arrive when none does in time.
    /// </summary>
    /// <param name="predicate">Which request to wait for.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="predicateText">Filled in by the compiler with the predicate's source text, for the timeout message.</param>
    public async Task<RecordedRequest> WaitForRequestAsync(
        Func<RecordedRequest, bool> predicate,
        TimeSpan timeout,
        [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var waiter = new RequestWaiter(predicate);
        lock (_gate)
        {
            if (!_requests.Any(waiter.TryComplete))
            {
                _waiters.Add(waiter);
            }
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            RecordedRequest[] arrived;
            lock (_gate)
            {
                _waiters.Remove(waiter);
                arrived = [.. _requests];
            }

            // A request may have matched in the instant the timer fired.
            if (waiter.Task.IsCompletedSuccessfully)
            {
                return waiter.Task.Result;
            }

            var seen = arrived.Length == 0
                ? "none"
                : string.Join("; ", arrived.TakeLast(10).Select(r => $"{r.Protocol} {r.Path} model '{r.Model}'{(r.Stream ? " stream" : "")}"));
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"No request matching `{predicateText}` arrived within {timeout.TotalSeconds:0.###} s. {arrived.Length} request(s) arrived; the last up to 10: {seen}."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();

        RequestWaiter[] pending;
        lock (_gate)
        {
            pending = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in pending)
        {
            waiter.Abandon(new ObjectDisposedException(nameof(ScriptedModelServer)));
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancellationToken = linked.Token;
        try
        {
            var request = await ReadAsync(context.Request, cancellationToken);
            Record(request);
            await AnswerAsync(context, request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the server is stopping: nobody is left to answer.
            context.Abort();
        }
    }

    private async Task AnswerAsync(HttpContext context, RecordedRequest request, CancellationToken cancellationToken)
    {
        var path = request.Path;
        if (HttpMethods.IsGet(context.Request.Method) && path.EndsWith("/models", StringComparison.Ordinal))
        {
            await JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, ModelList.Build([.. _scripts.Keys]), cancellationToken);
            return;
        }

        var isCompletion = path.EndsWith("/chat/completions", StringComparison.Ordinal) || path.EndsWith("/messages", StringComparison.Ordinal);
        if (!HttpMethods.IsPost(context.Request.Method) || !isCompletion)
        {
            await WriteErrorAsync(context.Response, request, StatusCodes.Status404NotFound, $"scripted model server has no route {context.Request.Method} {path}", cancellationToken);
            return;
        }

        if (request.Model.Length == 0)
        {
            await WriteErrorAsync(context.Response, request, StatusCodes.Status400BadRequest, "scripted model server: the body is not a JSON object with a \"model\" string", cancellationToken);
            return;
        }

        var reply = For(request.Model).Take(request);
        if (reply is null)
        {
            // Tell SDKs that honour it not to retry, so a test that ran its script dry fails fast.
            context.Response.Headers["x-should-retry"] = "false";
            await WriteErrorAsync(context.Response, request, StatusCodes.Status500InternalServerError, $"scripted model '{request.Model}' has no reply left", cancellationToken);
            return;
        }

        while (reply.Kind == ScriptedReplyKind.Delay)
        {
            await (reply.Gate?.WaitAsync(cancellationToken) ?? Task.Delay(reply.DelayBy, cancellationToken));
            reply = reply.Then!;
        }

        if (reply.Kind == ScriptedReplyKind.Raw)
        {
            context.Response.StatusCode = reply.StatusCode;
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Content, cancellationToken);
            return;
        }

        if (reply.Kind == ScriptedReplyKind.Cut)
        {
            await CutAsync(context, request, reply, cancellationToken);
            return;
        }

        await AnswerWithAsync(context, request, reply, cancellationToken);
    }

    private async Task CutAsync(HttpContext context, RecordedRequest request, ScriptedReply reply, CancellationToken cancellationToken)
    {
        var body = context.Response.Body;
        if (!reply.AbortAtCut)
        {
            // The body ends early but properly (the last chunk is sent): the client sees a clean, short reply.
            context.Response.Body = new CutStream(body, reply.CutAt);
            try
            {
                await AnswerWithAsync(context, request, reply.Then!, cancellationToken);
            }
            finally
            {
                context.Response.Body = body;
            }

            return;
        }

        // A reset must come after the bytes that were sent, and Kestrel's abort can overtake output it has not yet written:
        // so the whole answer is rendered aside and its start is written to the socket by hand, with the full length
        // announced, before the connection is shut.
        using var whole = new MemoryStream();
        context.Response.Body = whole;
        try
        {
            await AnswerWithAsync(context, request, reply.Then!, cancellationToken);
        }
        finally
        {
            context.Response.Body = body;
        }

        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket
            ?? throw new InvalidOperationException("the scripted model server cannot reach its socket to cut a reply");
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {context.Response.StatusCode} OK\r\nContent-Type: {context.Response.ContentType}\r\nContent-Length: {whole.Length}\r\nConnection: close\r\n\r\n"));
        await socket.SendAsync(head, SocketFlags.None, cancellationToken);
        await socket.SendAsync(whole.GetBuffer().AsMemory(0, (int)Math.Min(reply.CutAt, whole.Length)), SocketFlags.None, cancellationToken);
        socket.Shutdown(SocketShutdown.Both);
        context.Abort();
    }

    private async Task AnswerWithAsync(HttpContext context, RecordedRequest request, ScriptedReply reply, CancellationToken cancellationToken)
    {
        if (reply.Kind == ScriptedReplyKind.HttpError)
        {
            if (reply.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            await WriteErrorAsync(context.Response, request, reply.StatusCode, reply.Content, cancellationToken);
            return;
        }

        if (MeasuresAnthropicCache && request.Protocol == AnthropicProtocol)
        {
            var (input, cached) = _anthropicCache.Measure(request.Body);
            reply = reply.WithMeasuredInput(input, cached);
        }

        var ids = reply.Calls.Select(_ => "call_" + Interlocked.Increment(ref _toolCallCount).ToString(CultureInfo.InvariantCulture)).ToArray();
        var replyContext = new ReplyContext(request, reply, ids);
        await (request.Protocol == AnthropicProtocol
            ? AnthropicWire.WriteReplyAsync(context.Response, replyContext, cancellationToken)
            : OpenAIWire.WriteReplyAsync(context.Response, replyContext, cancellationToken));
    }

    private static Task WriteErrorAsync(HttpResponse response, RecordedRequest request, int statusCode, string message, CancellationToken cancellationToken) =>
        request.Protocol == AnthropicProtocol
            ? AnthropicWire.WriteErrorAsync(response, statusCode, message, cancellationToken)
            : OpenAIWire.WriteErrorAsync(response, statusCode, message, cancellationToken);

    private void Record(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
            _waiters.RemoveAll(waiter => waiter.TryComplete(request));
        }
    }

    private static async Task<RecordedRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var path = request.Path.Value ?? "";
        var headers = request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        var model = "";
        var stream = false;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            }
        }
        catch (JsonException)
        {
            // GET requests and garbage bodies are still recorded; they just name no model.
        }

        return new RecordedRequest(ProtocolOf(path, headers), path, model, stream, body, headers, DateTimeOffset.UtcNow);
    }

    // The path decides; for shared paths such as /v1/models the Anthropic SDK's version header does.
    private static string ProtocolOf(string path, Dictionary<string, string> headers) =>
        path.EndsWith("/messages", StringComparison.Ordinal) ? AnthropicProtocol
        : path.EndsWith("/chat/completions", StringComparison.Ordinal) ? OpenAIProtocol
        : headers.ContainsKey("anthropic-version") ? AnthropicProtocol
        : OpenAIProtocol;
}
