using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshClaw.Testing.Slack;

/// <summary>
/// A Slack workspace on a loopback port, speaking the documented Web API (POST /api/METHOD, form or JSON bodies, bearer
/// tokens, <c>ok</c>/<c>error</c>/<c>needed</c>, <c>response_metadata.next_cursor</c>, 429 with Retry-After) and Socket
/// Mode over a real WebSocket (hello, envelopes, acks recorded, disconnect, a dropped socket). Tests point MeshClaw's
/// <c>slack.apiBaseUrl</c> at <see cref="ApiBaseUrl"/>.
/// </summary>
public sealed class FakeSlackServer : IAsyncDisposable
{
    public const string BotToken = "xoxb-fake-bot-token";
    public const string AppToken = "xapp-fake-app-token";
    public const string BotUserId = "UBOT0001";
    public const string TeamId = "T0FAKE01";

    private static readonly Dictionary<string, string> ScopeOf = new(StringComparer.Ordinal)
    {
        ["chat.postMessage"] = "chat:write", ["chat.update"] = "chat:write", ["chat.delete"] = "chat:write",
        ["reactions.add"] = "reactions:write", ["reactions.remove"] = "reactions:write",
        ["conversations.history"] = "channels:history", ["conversations.replies"] = "channels:history",
        ["conversations.open"] = "im:write", ["users.info"] = "users:read",
    };

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<SlackCall> _calls = [];
    private readonly List<SlackPosted> _messages = [];
    private readonly List<string> _acks = [];
    private readonly ConcurrentDictionary<string, int> _rateLimits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _cuts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _callCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _everyNth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _holds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;
    private TaskCompletionSource? _socketDone;
    private long _ts = 1_700_000_000;
    private int _connections;

    private FakeSlackServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where MeshClaw's <c>slack.apiBaseUrl</c> points.</summary>
    public Uri ApiBaseUrl => new(BaseUrl, "api/");

    /// <summary>The bot's scopes; a method whose scope is missing answers <c>missing_scope</c> naming it in <c>needed</c>.</summary>
    public HashSet<string> Scopes { get; } = ["app_mentions:read", "channels:history", "im:history", "im:write", "chat:write", "reactions:write", "users:read"];

    public bool SocketModeEnabled { get; set; } = true;

    /// <summary>Workspace members: id → (name, is a bot).</summary>
    public ConcurrentDictionary<string, (string Name, bool IsBot)> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>How many Socket Mode connections have been opened so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<SlackCall> Calls { get { lock (_gate) { return [.. _calls]; } } }

    public IReadOnlyList<SlackPosted> Messages { get { lock (_gate) { return [.. _messages]; } } }

    public IReadOnlyList<string> Acks { get { lock (_gate) { return [.. _acks]; } } }

    public static string DirectOf(string user) => "D" + user;

    public static async Task<FakeSlackServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IHostLifetime>(new QuietHostLifetime());
        builder.Services.AddRouting();
        var app = builder.Build();
        var server = new FakeSlackServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        server.BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> answer 429 with Retry-After.</summary>
    public void RateLimit(string method, int times) => _rateLimits[method] = times;

    /// <summary>From now on every <paramref name="n"/>th call of <paramref name="method"/> answers 429 with Retry-After (0: never).</summary>
    public void RateLimitEvery(string method, int n) => _everyNth[method] = n;

    /// <summary>
    /// The next <paramref name="times"/> calls of <paramref name="method"/> take effect, but the connection is cut before
    /// the answer: as a gateway killed between Slack's work and its own record of it sees it.
    /// </summary>
    public void CutAfterEffect(string method, int times) => _cuts[method] = times;

    /// <summary>
    /// The next <paramref name="times"/> calls of <paramref name="method"/> take effect and are then never answered (until
    /// the server stops): the caller is left waiting, as a gateway is when it is killed between Slack's work and its record.
    /// </summary>
    public void HoldAfterEffect(string method, int times) => _holds[method] = times;

    /// <summary>Refuses a chat.postMessage (channel, text) with the error it returns (<c>ok: false</c>); null lets it through.</summary>
    public Func<string, string, string?>? RefusePost { get; set; }

    /// <summary>A message someone wrote, for conversations.history to find.</summary>
    public string Seed(string channel, string user, string text, string? threadTs = null)
    {
        var ts = NextTs();
        lock (_gate)
        {
            _messages.Add(new SlackPosted(channel, ts, user, text, threadTs));
        }

        return ts;
    }

    /// <summary>Sends an <c>events_api</c> envelope for a message event over the open socket; returns the envelope id.</summary>
    public async Task<string> SendMessageEventAsync(string user, string channel, string text, string? eventId = null, string? envelopeId = null,
        bool mention = false, string? threadTs = null, CancellationToken cancellationToken = default)
    {
        var ts = Seed(channel, user, text, threadTs);
        envelopeId ??= "env-" + Guid.NewGuid().ToString("N")[..12];
        var slackEvent = new JsonObject
        {
            ["type"] = mention ? "app_mention" : "message", ["user"] = user, ["text"] = text, ["ts"] = ts, ["channel"] = channel,
            ["event_ts"] = ts,
        };
        if (!mention)
        {
            slackEvent["channel_type"] = channel.StartsWith('D') ? "im" : "channel";
        }

        if (threadTs is not null)
        {
            slackEvent["thread_ts"] = threadTs;
        }

        await SendEnvelopeAsync(new JsonObject
        {
            ["envelope_id"] = envelopeId, ["type"] = "events_api", ["accepts_response_payload"] = false, ["retry_attempt"] = 0, ["retry_reason"] = "",
            ["payload"] = new JsonObject
            {
                ["token"] = "verification", ["team_id"] = TeamId, ["api_app_id"] = "A0FAKE01", ["type"] = "event_callback",
                ["event_id"] = eventId ?? "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), ["event_time"] = 1_700_000_000, ["event"] = slackEvent,
            },
        }, cancellationToken);
        return envelopeId;
    }

    /// <summary>A button press on a message (an <c>interactive</c> envelope with a <c>block_actions</c> payload); returns the envelope id.</summary>
    public async Task<string> SendBlockActionAsync(string user, string actionId, string value, string channel, string messageTs, CancellationToken cancellationToken = default)
    {
        var envelopeId = "env-" + Guid.NewGuid().ToString("N")[..12];
        await SendEnvelopeAsync(new JsonObject
        {
            ["envelope_id"] = envelopeId, ["type"] = "interactive", ["accepts_response_payload"] = false,
            ["payload"] = new JsonObject
            {
                ["type"] = "block_actions", ["user"] = new JsonObject { ["id"] = user, ["username"] = user, ["team_id"] = TeamId },
                ["api_app_id"] = "A0FAKE01", ["token"] = "verification", ["trigger_id"] = "1.2.3",
                ["team"] = new JsonObject { ["id"] = TeamId }, ["channel"] = new JsonObject { ["id"] = channel },
                ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
                ["actions"] = new JsonArray(new JsonObject
                {
                    ["action_id"] = actionId, ["block_id"] = "meshclaw_approval", ["value"] = value, ["type"] = "button", ["action_ts"] = NextTs(),
                }),
            },
        }, cancellationToken);
        return envelopeId;
    }

    public async Task SendEnvelopeAsync(JsonObject envelope, CancellationToken cancellationToken = default)
    {
        var socket = await WaitAsync(() => _socket is { State: WebSocketState.Open } s ? s : null, TimeSpan.FromSeconds(20), "an open Socket Mode connection");
        await socket.SendAsync(Encoding.UTF8.GetBytes(envelope.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
    }

    /// <summary>Slack's <c>disconnect</c> message (it is about to refresh the connection).</summary>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        SendEnvelopeAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = "refresh_requested", ["debug_info"] = new JsonObject { ["host"] = "fake" } }, cancellationToken);

    /// <summary>Drops the socket without a word, as a network failure would.</summary>
    public void Drop()
    {
        lock (_gate)
        {
            _socket?.Abort();
            _socketDone?.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value, re-checking at every request, message or ack.</summary>
    public async Task<T> WaitAsync<T>(Func<T?> probe, TimeSpan timeout, [CallerArgumentExpression(nameof(probe))] string? what = null) where T : class
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (probe() is { } value)
            {
                return value;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                var recent = string.Join("; ", Calls.TakeLast(10).Select(c => $"{c.Method} {c.Arguments.ToJsonString()}"));
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; the last Slack calls: {(recent.Length == 0 ? "none" : recent)}; acks: {string.Join(", ", Acks)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Drop();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private void Changed()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private string NextTs() => string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Increment(ref _ts)}.000100");

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/socket" && context.WebSockets.IsWebSocketRequest)
        {
            await SocketAsync(context);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || !path.StartsWith("/api/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var method = path["/api/".Length..];
        var token = context.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null;
        var arguments = await ArgumentsAsync(context.Request);
        lock (_gate)
        {
            _calls.Add(new SlackCall(method, token, arguments));
        }

        Changed();
        var count = _callCounts.AddOrUpdate(method, 1, (_, n) => n + 1);
        if ((_rateLimits.TryGetValue(method, out var left) && left > 0) || (_everyNth.TryGetValue(method, out var nth) && nth > 0 && count % nth == 0))
        {
            if (left > 0)
            {
                _rateLimits[method] = left - 1;
            }

            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        var answer = Answer(method, token, arguments);
        if (_holds.TryGetValue(method, out var holds) && holds > 0)
        {
            _holds[method] = holds - 1;
            Changed();
            try
            {
                await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted).Token);
            }
            catch (OperationCanceledException)
            {
                // The caller went away (killed) or the server is stopping.
            }

            context.Abort();
            return;
        }

        if (_cuts.TryGetValue(method, out var cuts) && cuts > 0)
        {
            _cuts[method] = cuts - 1;
            Changed();
            context.Abort();
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString(), _stopping.Token);
        Changed();
    }

    private static async Task<JsonObject> ArgumentsAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var fields = new JsonObject();
            foreach (var (key, value) in form)
            {
                fields[key] = value.ToString();
            }

            return fields;
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    private static JsonObject Error(string error, string? needed = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error"] = error };
        if (needed is not null)
        {
            body["needed"] = needed;
            body["provided"] = "";
        }

        return body;
    }

    private JsonObject Answer(string method, string? token, JsonObject a)
    {
        if (method == "apps.connections.open")
        {
            return token is null or not AppToken ? Error(token?.StartsWith("xoxb-", StringComparison.Ordinal) == true ? "not_allowed_token_type" : "invalid_auth")
                : !SocketModeEnabled ? Error("socket_mode_not_enabled")
                : new JsonObject { ["ok"] = true, ["url"] = $"ws://{BaseUrl.Authority}/socket?ticket={Guid.NewGuid():N}" };
        }

        if (token != BotToken)
        {
            return Error(token is null ? "not_authed" : "invalid_auth");
        }

        if (ScopeOf.TryGetValue(method, out var scope) && !Scopes.Contains(scope))
        {
            return Error("missing_scope", scope);
        }

        string Arg(string name) => a[name]?.GetValue<string>() ?? "";
        switch (method)
        {
            case "auth.test":
                return new JsonObject { ["ok"] = true, ["url"] = "https://fake.slack.com/", ["team"] = "Fake Team", ["user"] = "meshclaw", ["team_id"] = TeamId, ["user_id"] = BotUserId, ["bot_id"] = "B0FAKE01" };
            case "users.info":
                return Users.TryGetValue(Arg("user"), out var u)
                    ? new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = Arg("user"), ["name"] = u.Name, ["real_name"] = u.Name, ["is_bot"] = u.IsBot } }
                    : Error("user_not_found");
            case "conversations.open":
                return new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = DirectOf(Arg("users")) } };
            case "chat.postMessage":
            {
                if (RefusePost?.Invoke(Arg("channel"), Arg("text")) is { } refused)
                {
                    return Error(refused);
                }

                var ts = NextTs();
                var thread = a["thread_ts"]?.GetValue<string>();
                lock (_gate)
                {
                    _messages.Add(new SlackPosted(Arg("channel"), ts, BotUserId, Arg("text"), thread) { Blocks = a["blocks"]?.ToJsonString(JsonResponse.WireOptions), Metadata = a["metadata"]?.ToJsonString() });
                }

                return new JsonObject { ["ok"] = true, ["channel"] = Arg("channel"), ["ts"] = ts, ["message"] = new JsonObject { ["text"] = Arg("text"), ["user"] = BotUserId, ["ts"] = ts } };
            }

            case "chat.update" or "chat.delete":
                lock (_gate)
                {
                    var i = _messages.FindIndex(m => m.Channel == Arg("channel") && m.Ts == Arg("ts"));
                    if (i < 0)
                    {
                        return Error("message_not_found");
                    }

                    _messages[i] = method == "chat.update" ? _messages[i] with { Text = Arg("text"), Blocks = a["blocks"]?.ToJsonString(JsonResponse.WireOptions) } : _messages[i] with { Deleted = true };
                }

                return new JsonObject { ["ok"] = true, ["channel"] = Arg("channel"), ["ts"] = Arg("ts") };
            case "reactions.add" or "reactions.remove":
                return new JsonObject { ["ok"] = true };
            case "conversations.history" or "conversations.replies":
                return Page(a, method == "conversations.replies");
            default:
                return Error("unknown_method");
        }
    }

    private JsonObject Page(JsonObject a, bool replies)
    {
        var channel = a["channel"]?.GetValue<string>();
        var thread = a["ts"]?.GetValue<string>();
        List<SlackPosted> all;
        lock (_gate)
        {
            all = [.. _messages.Where(m => m.Channel == channel && !m.Deleted && (!replies || m.Ts == thread || m.ThreadTs == thread))];
        }

        if (!replies)
        {
            all.Reverse();
        }

        var start = int.TryParse(a["cursor"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var c) ? c : 0;
        var limit = int.TryParse(a["limit"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var l) ? Math.Min(l, 2) : 2;
        // Two a page, so pagination is always exercised.
        var page = all.Skip(start).Take(limit).ToList();
        // As Slack: metadata only when include_all_metadata is asked for.
        var withMetadata = a["include_all_metadata"]?.GetValue<string>() is "true" or "1";
        var next = start + page.Count < all.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : "";
        return new JsonObject
        {
            ["ok"] = true,
            ["messages"] = new JsonArray([.. page.Select(m =>
            {
                var message = new JsonObject { ["type"] = "message", ["user"] = m.User, ["text"] = m.Text, ["ts"] = m.Ts, ["thread_ts"] = m.ThreadTs };
                if (withMetadata && m.Metadata is not null)
                {
                    message["metadata"] = JsonNode.Parse(m.Metadata);
                }

                return (JsonNode)message;
            })]),
            ["has_more"] = next.Length > 0,
            ["response_metadata"] = new JsonObject { ["next_cursor"] = next },
        };
    }

    private async Task SocketAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _socket?.Abort();
            _socket = socket;
            _socketDone = done;
        }

        Interlocked.Increment(ref _connections);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"hello","num_connections":1,"connection_info":{"app_id":"A0FAKE01"},"debug_info":{"host":"fake"}}"""),
            WebSocketMessageType.Text, true, _stopping.Token);
        Changed();
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open && !done.Task.IsCompleted)
            {
                var result = await socket.ReceiveAsync(buffer, _stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                using var ack = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                if (ack.RootElement.TryGetProperty("envelope_id", out var id))
                {
                    lock (_gate)
                    {
                        _acks.Add(id.GetString()!);
                    }

                    Changed();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Dropped on purpose, or the server is stopping.
        }
        finally
        {
            lock (_gate)
            {
                if (_socket == socket)
                {
                    _socket = null;
                }
            }

            Changed();
        }
    }
}
