using System.Net.Http.Json;
using System.Text.Json;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Runs;

/// <summary>
/// Requests are built for the provider's prompt cache: the stable part (tools, instructions, the session so far) is the
/// same from one request to the next and marked for Anthropic's cache, and the current time ends the request.
/// </summary>
public sealed class PromptCacheTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private ScriptedModelServer _server = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedModelServer.StartAsync();
        _server.MeasuresAnthropicCache = true;
        _home.AnthropicModel("claude", _server.AnthropicBaseUrl, "scripted-cache")
            .Config("timeZone", "Europe/Berlin")
            .Agent("helper", "model: claude\ntools: [time.read, files.read]", "You are a careful assistant. " + string.Concat(Enumerable.Repeat("Answer briefly and cite the file you read. ", 60)));
        _gateway = await GatewayProcess.StartAsync(_home.Root);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task ASessionsLaterTurns_ReadTheirStablePrefixFromTheCache_AndTheTimeEndsEachRequest()
    {
        File.WriteAllText(Path.Combine(_home.Workspace("helper"), "notes.txt"), "the meeting moved to Thursday");
        _server.For("scripted-cache")
            .Reply(ScriptedReply.ToolCall("read_file", """{"path":"notes.txt"}"""))
            .Reply(ScriptedReply.Text("It moved to Thursday (notes.txt)."))
            .Reply(ScriptedReply.Text("Thursday at ten, as far as the notes say."))
            .Reply(ScriptedReply.Text("You're welcome."));
        using var client = _gateway.AuthorizedClient();

        var first = await TurnAsync(client, "When is the meeting?");
        var second = await TurnAsync(client, "And at what time?");
        var third = await TurnAsync(client, "Thanks!");

        // Turn 1 wrote the cache; its second step (after the tool call) and every later turn read the stable prefix.
        Assert.True(first.Usage.CachedTokens > 0, $"turn 1 cached {first.Usage.CachedTokens} of {first.Usage.InputTokens}");
        Assert.True(second.Usage.CachedTokens * 2 > second.Usage.InputTokens, $"turn 2 cached {second.Usage.CachedTokens} of {second.Usage.InputTokens}");
        Assert.True(third.Usage.CachedTokens * 2 > third.Usage.InputTokens, $"turn 3 cached {third.Usage.CachedTokens} of {third.Usage.InputTokens}");

        var requests = _server.Requests.Where(r => r.Model == "scripted-cache").ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Matches(@"\(Current time: \w+ \d{1,2} \w+ \d{4}, \d\d:\d\d in Europe/Berlin, UTC\+0[12]:00\.\)$", LastUserText(r));
            Assert.InRange(CacheBreakpoints(r), 1, 4);
        });
        // The stable part carries no clock and no ids: tools and instructions are the same bytes in every request.
        Assert.Single(requests.Select(StablePart).Distinct());
    }

    private static async Task<RunView> TurnAsync(HttpClient client, string message)
    {
        using var response = await client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("helper", message, Session: "cache-session"), ApiJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<RunView>(body, ApiJson.Options)!;
    }

    private static string StablePart(RecordedRequest request)
    {
        using var json = request.Json();
        return json.RootElement.GetProperty("tools").GetRawText() + json.RootElement.GetProperty("system").GetRawText();
    }

    private static string LastUserText(RecordedRequest request)
    {
        using var json = request.Json();
        // The user's words, not a turn that only carries tool results back.
        var texts = json.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "user")
            .Select(m => m.GetProperty("content"))
            .Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Concat(c.EnumerateArray().Select(b => b.TryGetProperty("text", out var t) ? t.GetString() : "")))
            .Where(t => t.Length > 0);
        return texts.Last();
    }

    private static int CacheBreakpoints(RecordedRequest request) => request.Body.Split("\"cache_control\"").Length - 1;
}
