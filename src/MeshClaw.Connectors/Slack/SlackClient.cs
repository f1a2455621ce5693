using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// A lean client for the Slack Web API methods MeshClaw uses. Every call is a POST with a bearer token; an answer with
/// <c>"ok": false</c> becomes a <see cref="SlackApiException"/> naming the error (and the scope it needed). Every call
/// waits its turn in its method's rate tier (<see cref="SlackRateLimits"/>); a 429 holds the method for its
/// <c>Retry-After</c> and is retried a few times, then reported as <c>ratelimited</c> with the wait Slack asked for.
/// </summary>
public sealed class SlackClient(HttpClient http, Uri baseUrl, string token, SlackRateLimits limits, double pace)
{
    /// <summary>The metadata event type MeshClaw's outbox posts carry, so a post cut by a crash is found, not repeated.</summary>
    public const string OutboxEventType = "meshclaw_outbox";

    private const int MaxRateLimitRetries = 3;
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromSeconds(60);

    public async Task<SlackIdentity> AuthTestAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("auth.test", Form(), cancellationToken);
        return new SlackIdentity(Str(r, "user_id") ?? "", Str(r, "user"), Str(r, "team_id") ?? "", Str(r, "team"), Str(r, "bot_id"));
    }

    /// <param name="outboxKey">The outbox notification this post delivers: carried as message metadata, so <see cref="HistoryAsync"/> finds it again.</param>
    public async Task<SlackMessageRef> PostMessageAsync(string channel, string text, string? threadTs, JsonArray? blocks, CancellationToken cancellationToken,
        string? outboxKey = null)
    {
        var body = new JsonObject { ["channel"] = channel, ["text"] = text };
        if (outboxKey is not null)
        {
            body["metadata"] = new JsonObject { ["event_type"] = OutboxEventType, ["event_payload"] = new JsonObject { ["key"] = outboxKey } };
        }

        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        if (blocks is not null)
        {
            body["blocks"] = blocks;
        }

        var r = await CallAsync("chat.postMessage", Json(body), cancellationToken, channel);
        return new SlackMessageRef(Str(r, "channel") ?? channel, Str(r, "ts") ?? throw new SlackApiException("chat.postMessage", "no ts in the answer"));
    }

    public async Task UpdateAsync(string channel, string ts, string text, JsonArray? blocks, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["channel"] = channel, ["ts"] = ts, ["text"] = text };
        if (blocks is not null)
        {
            body["blocks"] = blocks;
        }

        await CallAsync("chat.update", Json(body), cancellationToken);
    }

    public Task DeleteAsync(string channel, string ts, CancellationToken cancellationToken) =>
        CallAsync("chat.delete", Json(new JsonObject { ["channel"] = channel, ["ts"] = ts }), cancellationToken);

    public Task ReactAsync(string channel, string ts, string emoji, CancellationToken cancellationToken) =>
        CallAsync("reactions.add", Json(new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = emoji.Trim(':') }), cancellationToken);

    public Task UnreactAsync(string channel, string ts, string emoji, CancellationToken cancellationToken) =>
        CallAsync("reactions.remove", Json(new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = emoji.Trim(':') }), cancellationToken);

    /// <summary>The newest messages of a conversation (with their metadata), following <c>next_cursor</c> until <paramref name="limit"/> are read.</summary>
    public Task<IReadOnlyList<SlackMessage>> HistoryAsync(string channel, int limit, CancellationToken cancellationToken) =>
        PagedAsync("conversations.history", [KeyValuePair.Create("channel", channel), KeyValuePair.Create("include_all_metadata", "true")], limit, cancellationToken);

    /// <summary>A thread: its parent first, then the replies.</summary>
    public Task<IReadOnlyList<SlackMessage>> RepliesAsync(string channel, string threadTs, int limit, CancellationToken cancellationToken) =>
        PagedAsync("conversations.replies", [KeyValuePair.Create("channel", channel), KeyValuePair.Create("ts", threadTs)], limit, cancellationToken);

    /// <summary>The direct-message conversation with a user (opened if need be).</summary>
    public async Task<string> OpenDirectAsync(string user, CancellationToken cancellationToken)
    {
        var r = await CallAsync("conversations.open", Json(new JsonObject { ["users"] = user }), cancellationToken);
        return r.TryGetProperty("channel", out var c) && Str(c, "id") is { } id ? id : throw new SlackApiException("conversations.open", "no channel in the answer");
    }

    /// <summary>users.info: the user's name, and whether it is a bot; null when there is no such user.</summary>
    public async Task<(string Name, bool IsBot)?> UserAsync(string user, CancellationToken cancellationToken)
    {
        try
        {
            var r = await CallAsync("users.info", Form(KeyValuePair.Create("user", user)), cancellationToken);
            var u = r.GetProperty("user");
            return (Str(u, "real_name") ?? Str(u, "name") ?? user, u.TryGetProperty("is_bot", out var b) && b.ValueKind == JsonValueKind.True);
        }
        catch (SlackApiException ex) when (ex.Error == "user_not_found")
        {
            return null;
        }
    }

    /// <summary>apps.connections.open (with the app-level token): the WebSocket URL of a new Socket Mode connection.</summary>
    public async Task<Uri> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var r = await CallAsync("apps.connections.open", Form(), cancellationToken);
        return Uri.TryCreate(Str(r, "url"), UriKind.Absolute, out var url) ? url : throw new SlackApiException("apps.connections.open", "no url in the answer");
    }

    private async Task<IReadOnlyList<SlackMessage>> PagedAsync(string method, KeyValuePair<string, string>[] fields, int limit, CancellationToken cancellationToken)
    {
        var messages = new List<SlackMessage>();
        string? cursor = null;
        do
        {
            var page = new List<KeyValuePair<string, string>>(fields) { new("limit", Math.Min(200, limit - messages.Count).ToString(CultureInfo.InvariantCulture)) };
            if (cursor is not null)
            {
                page.Add(new("cursor", cursor));
            }

            var r = await CallAsync(method, Form([.. page]), cancellationToken);
            if (r.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                messages.AddRange(list.EnumerateArray().Select(m =>
                    new SlackMessage(Str(m, "ts") ?? "", Str(m, "user"), Str(m, "text") ?? "", Str(m, "thread_ts"), Str(m, "bot_id")) { OutboxKey = OutboxKeyOf(m) }));
            }

            cursor = r.TryGetProperty("response_metadata", out var meta) && Str(meta, "next_cursor") is { Length: > 0 } next ? next : null;
        }
        while (cursor is not null && messages.Count < limit);

        return messages.Count > limit ? messages[..limit] : messages;
    }

    private async Task<JsonElement> CallAsync(string method, Func<HttpContent> content, CancellationToken cancellationToken, string? channel = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            await limits.WaitTurnAsync(method, channel, pace, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, method)) { Content = content() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                // The request may have reached Slack before the connection went: whoever retries must look first.
                throw new SlackApiException(method, $"cannot reach {baseUrl.Host}: {ex.Message}", inner: ex) { InDoubt = true };
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SlackApiException(method, "timed out", inner: ex) { InDoubt = true };
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    limits.Hold(method, wait, pace);
                    if (attempt >= MaxRateLimitRetries || wait > LongestRetryAfter)
                    {
                        throw new SlackApiException(method, "ratelimited") { RetryAfter = wait };
                    }

                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}");
                }

                JsonElement root;
                try
                {
                    root = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).Clone();
                }
                catch (JsonException ex)
                {
                    throw new SlackApiException(method, "the answer is not JSON", inner: ex);
                }
                catch (HttpRequestException ex)
                {
                    throw new SlackApiException(method, $"the answer was cut: {ex.Message}", inner: ex) { InDoubt = true };
                }

                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
                {
                    throw new SlackApiException(method, Str(root, "error") ?? "not ok", Str(root, "needed"));
                }

                return root;
            }
        }
    }

    private static string? OutboxKeyOf(JsonElement message) =>
        message.TryGetProperty("metadata", out var metadata) && Str(metadata, "event_type") == OutboxEventType
            && metadata.TryGetProperty("event_payload", out var payload) ? Str(payload, "key") : null;

    private static Func<HttpContent> Form(params KeyValuePair<string, string>[] fields) => () => new FormUrlEncodedContent(fields);

    private static Func<HttpContent> Json(JsonObject body)
    {
        var text = body.ToJsonString();
        return () => new StringContent(text, System.Text.Encoding.UTF8, "application/json");
    }

    internal static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
