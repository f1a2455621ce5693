using System.Net;
using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Models.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Models;

public sealed class PipelineLayerTests
{
    private static readonly ModelDefinition Model = new() { Name = "local", Kind = ModelKind.OpenAICompatible, ModelId = "gpt-4o-mini", BaseUrl = new Uri("http://127.0.0.1:1/v1") };
    private static readonly PriceTable Prices = new(new Dictionary<string, ModelPrice> { ["gpt-4o-mini"] = new(1_000m, 2_000m, 100m) });

    [Fact]
    public async Task Metering_WritesARowAttributedToTheRun_WithCostFromThePriceTable()
    {
        var ledger = new RecordingLedger();
        var inner = new TestChatClient((_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"))
        {
            ModelId = "gpt-4o-mini-2024-07-18",
            Usage = new UsageDetails { InputTokenCount = 100, CachedInputTokenCount = 40, OutputTokenCount = 10, ReasoningTokenCount = 3 },
        }));
        var metered = new MeteringChatClient(inner, Model, ledger, Prices, TimeProvider.System);

        ChatResponse response;
        using (ModelCallAttribution.Begin(new ModelCallAttribution("inbox", "run_1", "schedule")))
        {
            response = await metered.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);
        }

        var row = Assert.Single(ledger.Records);
        Assert.Equal(("inbox", "run_1", "schedule"), (row.Agent, row.RunId, row.Trigger));
        Assert.Equal(("openai-compatible", "local", "gpt-4o-mini-2024-07-18"), (row.Provider, row.ModelName, row.ModelId));
        Assert.Equal((100, 40, 10, 3), (row.InputTokens, row.CachedTokens, row.OutputTokens, row.ReasoningTokens));
        Assert.False(row.Estimated);
        // 60 fresh input at 1000/M, 40 cached at 100/M, 10 output at 2000/M.
        Assert.Equal(0.06m + 0.004m + 0.02m, row.Cost);
        Assert.Equal(row.Cost, UsageCost.Read(response.Usage));
    }

    [Fact]
    public async Task Metering_RecordsFailedCallsToo()
    {
        var ledger = new RecordingLedger();
        var inner = new TestChatClient((_, _, _) => throw new ModelProviderException("local", HttpStatusCode.BadGateway, null, "bad gateway"));
        var metered = new MeteringChatClient(inner, Model, ledger, Prices, TimeProvider.System);

        await Assert.ThrowsAsync<ModelProviderException>(() => metered.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        var row = Assert.Single(ledger.Records);
        Assert.Contains("502", row.Error, StringComparison.Ordinal);
        Assert.Equal(0, row.InputTokens);
    }

    [Fact]
    public async Task Metering_StreamingWithoutUsage_EndsWithAnEstimatedUsageUpdate()
    {
        var ledger = new RecordingLedger();
        var inner = new TestChatClient((_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "a streamed answer of a few words"))));
        var metered = new MeteringChatClient(inner, Model, ledger, Prices, TimeProvider.System);

        var updates = await metered.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "tell me something")]).ToListAsync();

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.True(usage.InputTokenCount > 0 && usage.OutputTokenCount > 0);
        Assert.True(Assert.Single(ledger.Records).Estimated);
        Assert.Equal("a streamed answer of a few words", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task Retry_RetriesA503AndSucceeds()
    {
        var inner = new TestChatClient((_, call, _) => call < 3
            ? throw new ModelProviderException("local", HttpStatusCode.ServiceUnavailable, TimeSpan.Zero, "busy")
            : Task.FromResult(TestChatClient.Text("finally")));
        var retry = new RetryChatClient(inner, "local", maxRetries: 2, TimeSpan.FromSeconds(30), TimeProvider.System, NullLogger.Instance);

        var response = await retry.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("finally", response.Text);
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task Retry_DoesNotWaitOutARetryAfterLongerThanItsLimit()
    {
        var inner = new TestChatClient((_, _, _) => throw new ModelProviderException("local", HttpStatusCode.TooManyRequests, TimeSpan.FromMinutes(10), "quota"));
        var retry = new RetryChatClient(inner, "local", maxRetries: 5, TimeSpan.FromSeconds(30), TimeProvider.System, NullLogger.Instance);

        await Assert.ThrowsAsync<ModelProviderException>(() => retry.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Retry_DoesNotRetryAClientError()
    {
        var inner = new TestChatClient((_, _, _) => throw new ModelProviderException("local", HttpStatusCode.BadRequest, null, "bad request"));
        var retry = new RetryChatClient(inner, "local", maxRetries: 5, TimeSpan.FromSeconds(30), TimeProvider.System, NullLogger.Instance);

        await Assert.ThrowsAsync<ModelProviderException>(() => retry.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Timeout_FailsASlowModelWithItsName()
    {
        var inner = new TestChatClient(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return TestChatClient.Text("never");
        });
        var timed = new TimeoutChatClient(inner, "slowpoke", TimeSpan.FromMilliseconds(50));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => timed.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Contains("slowpoke", error.Message, StringComparison.Ordinal);
    }
}
