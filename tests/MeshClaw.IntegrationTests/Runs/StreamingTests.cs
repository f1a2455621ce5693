using System.Net.Http.Json;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Runs;

/// <summary>Streamed answers: the chat command and the API's server-sent events.</summary>
public sealed class StreamingTests(AgentGatewayFixture fixture) : IClassFixture<AgentGatewayFixture>
{
    [Fact]
    public async Task Chat_StreamsAnswersAndRemembersTheSession()
    {
        fixture.Server.For("scripted-stream")
            .Reply(ScriptedReply.Text("Hello there, streaming works"))
            .Reply(ScriptedReply.Text("Second answer here"));

        var result = await fixture.Gateway.CliWithInputAsync("first question\nsecond question\n", "chat", "streamer");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Hello there, streaming works", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Second answer here", result.Stdout, StringComparison.Ordinal);
        var requests = fixture.Server.Requests.Where(r => r.Model == "scripted-stream").ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.Stream));
        // The second turn carries the first question and answer, and nothing of the tool chatter.
        Assert.Contains("first question", requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Hello there, streaming works", requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamingRun_SendsTextEventsBeforeTheDoneEvent()
    {
        fixture.Server.For("scripted-claude")
            .Reply(ScriptedReply.ToolCall("time_now", "{}"))
            .Reply(ScriptedReply.Text("one two three four five"));
        using var client = fixture.Gateway.AuthorizedClient();

        using var response = await client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative),
            new StartRunBody("claude", "stream please", Stream: true), ApiJson.Options);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = body.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        Assert.Equal("run", events[0]);
        Assert.Equal("done", events[^1]);
        Assert.Contains("tool", events);
        Assert.True(events.Count(e => e == "text") >= 3, $"expected the answer in several text events, got: {string.Join(", ", events)}");
        Assert.Contains("\"status\":\"succeeded\"", body, StringComparison.Ordinal);
    }
}
