using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Models;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Models.Providers;
using MeshClaw.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Models;

/// <summary>
/// A model endpoint that answers 200 with something that is not the protocol, or cuts its reply off, through the real
/// SDKs against the scripted server: the failure says what came back in words, and a cut reply is retried like a 5xx.
/// </summary>
public sealed class ModelReplyFaultTests : IAsyncLifetime
{
    private sealed class NoSecrets : ISecretStore
    {
        public string? Get(string name) => "sk-test";
        public void Set(string name, string value) => throw new NotSupportedException("read-only in this test");
        public bool Remove(string name) => false;
        public IReadOnlyList<string> Names() => [];
        public long Version => 0;
    }

    private ScriptedModelServer _server = null!;
    private readonly ProviderClientFactory _providers = new(new NoSecrets(), TimeProvider.System);
    private readonly RecordingLedger _ledger = new();

    public async Task InitializeAsync() => _server = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync()
    {
        _providers.Dispose();
        await _server.DisposeAsync();
    }

    private IChatClient Client(bool anthropic, int maxRetries = 2, double timeoutSeconds = 30)
    {
        var model = anthropic
            ? new ModelDefinition { Name = "m", Kind = ModelKind.Anthropic, ModelId = "scripted", BaseUrl = _server.AnthropicBaseUrl, ApiKeySecret = "KEY", MaxRetries = maxRetries, Timeout = TimeSpan.FromSeconds(timeoutSeconds) }
            : new ModelDefinition { Name = "m", Kind = ModelKind.OpenAICompatible, ModelId = "scripted", BaseUrl = _server.OpenAIBaseUrl, MaxRetries = maxRetries, Timeout = TimeSpan.FromSeconds(timeoutSeconds) };
        var pipeline = new ModelPipeline(new Dictionary<string, ModelDefinition> { ["m"] = model }, _providers, _ledger,
            new PriceTable(new Dictionary<string, ModelPrice>()), TimeProvider.System, NullLoggerFactory.Instance);
        return pipeline.For("m", []);
    }

    private static async Task<string> AnswerAsync(IChatClient client, bool streaming)
    {
        if (!streaming)
        {
            return (await client.GetResponseAsync("hello")).Text;
        }

        var text = "";
        await foreach (var update in client.GetStreamingResponseAsync("hello"))
        {
            text += update.Text;
        }

        return text;
    }

    private string Where => $"model 'm' at {_server.BaseUrl.GetLeftPart(UriPartial.Authority)}";

    public static TheoryData<bool, bool> Wires => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task A200WithAnHtmlPage_SaysTheModelReturnedHtml_AndIsNotRetried(bool anthropic, bool streaming)
    {
        _server.For("scripted").ReplyAlways(ScriptedReply.Raw("<!DOCTYPE html>\n<html><body>Sign in to the\u202Eproxy</body></html>"));

        var failure = await Assert.ThrowsAsync<ModelChainException>(() => AnswerAsync(Client(anthropic), streaming));

        Assert.Equal($@"{Where} returned HTML, not JSON: <!DOCTYPE html>\n<html><body>Sign in to the\u202Eproxy</body></html>", failure.Message);
        Assert.Equal(1, _server.For("scripted").RequestCount);
    }

    [Theory]
    [InlineData("{\"id\": \"x\", oops}", "returned invalid JSON (")]
    [InlineData("", "returned an empty body, not JSON")]
    [InlineData("Bad gateway", "returned text/plain text, not JSON: Bad gateway")]
    public async Task A200ThatIsNotJson_NamesWhatCameBack(string body, string said)
    {
        _server.For("scripted").ReplyAlways(ScriptedReply.Raw(body, body.StartsWith('{') ? "application/json" : "text/plain"));

        var failure = await Assert.ThrowsAsync<ModelChainException>(() => AnswerAsync(Client(anthropic: false), streaming: false));

        Assert.StartsWith($"{Where} {said}", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith(body, failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.For("scripted").RequestCount);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task AReplyCutOffByAReset_IsRetriedLikeA500(bool anthropic, bool streaming)
    {
        // Cut inside the body (non-streamed) or before the first event's end (streamed), so no text reached the caller.
        _server.For("scripted")
            .Reply(ScriptedReply.CutAfter(streaming ? 0 : 30, ScriptedReply.Text("first try")))
            .Reply(ScriptedReply.Text("second try"));

        var answer = await AnswerAsync(Client(anthropic), streaming);

        Assert.Equal("second try", answer);
        Assert.Equal(2, _server.For("scripted").RequestCount);
        Assert.Contains("truncated", _ledger.Records[0].Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IncompleteJsonThatEndsCleanly_IsRetriedLikeA500(bool anthropic)
    {
        _server.For("scripted")
            .Reply(ScriptedReply.CutAfter(40, ScriptedReply.Text("first try"), abort: false))
            .Reply(ScriptedReply.Text("second try"));

        Assert.Equal("second try", await AnswerAsync(Client(anthropic), streaming: false));
        Assert.Equal(2, _server.For("scripted").RequestCount);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ATruncatedReply_OnceRetriesAreSpent_SaysTruncated(bool anthropic, bool streaming)
    {
        _server.For("scripted").ReplyAlways(ScriptedReply.CutAfter(streaming ? 0 : 30, ScriptedReply.Text("never whole")));

        var failure = await Assert.ThrowsAsync<ModelChainException>(() => AnswerAsync(Client(anthropic, maxRetries: 1), streaming));

        Assert.StartsWith($"{Where} sent a truncated reply", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.For("scripted").RequestCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStreamThatStopsBeforeItsClosingEvent_SaysTruncated_InsteadOfEndingShort(bool anthropic)
    {
        // Most of the stream arrives, then the server ends it politely without the closing event.
        _server.For("scripted").ReplyAlways(ScriptedReply.CutAfter(anthropic ? 400 : 150, ScriptedReply.Text("a longer answer that is cut"), abort: false));

        var failure = await Assert.ThrowsAsync<ModelChainException>(() => AnswerAsync(Client(anthropic, maxRetries: 0), streaming: true));

        Assert.StartsWith($"{Where} sent a truncated reply: its stream ended after", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoodJsonLabelledTextHtml_IsStillAnAnswer()
    {
        _server.For("scripted").ReplyAlways(ScriptedReply.Raw(
            """{"id":"c1","object":"chat.completion","created":1,"model":"scripted","choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"""));

        Assert.Equal("fine", await AnswerAsync(Client(anthropic: false), streaming: false));
    }
}
