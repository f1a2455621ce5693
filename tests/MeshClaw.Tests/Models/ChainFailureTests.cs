using System.Net;
using System.Net.Sockets;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Models;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Models.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Tests.Models;

/// <summary>When every model of a chain fails, the run says why for each one, never a provider SDK's "I/O exception".</summary>
public sealed class ChainFailureTests
{
    private sealed class Secrets : ISecretStore
    {
        public string? Get(string name) => name == "ANTHROPIC_API_KEY" ? "sk-ant-test" : null;
        public void Set(string name, string value) => throw new NotSupportedException("read-only in this test");
        public bool Remove(string name) => false;
        public IReadOnlyList<string> Names() => ["ANTHROPIC_API_KEY"];
        public long Version => 0;
    }

    /// <summary>A loopback port with nothing listening on it: connecting is refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryModelOfTheChain_NamesItsCause(bool streaming)
    {
        var (local, claude) = (ClosedPort(), ClosedPort());
        var models = new Dictionary<string, ModelDefinition>
        {
            ["local"] = new() { Name = "local", Kind = ModelKind.OpenAICompatible, ModelId = "m", BaseUrl = new Uri($"http://127.0.0.1:{local}/v1"), MaxRetries = 0, Fallbacks = ["claude"] },
            ["claude"] = new() { Name = "claude", Kind = ModelKind.Anthropic, ModelId = "claude-x", BaseUrl = new Uri($"http://127.0.0.1:{claude}"), ApiKeySecret = "ANTHROPIC_API_KEY", MaxRetries = 0 },
        };
        using var providers = new ProviderClientFactory(new Secrets(), TimeProvider.System);
        var pipeline = new ModelPipeline(models, providers, new RecordingLedger(), new PriceTable(new Dictionary<string, ModelPrice>()), TimeProvider.System, NullLoggerFactory.Instance);
        var client = pipeline.For("local", []);

        var failure = await Assert.ThrowsAsync<ModelChainException>(async () =>
        {
            if (streaming)
            {
                await foreach (var update in client.GetStreamingResponseAsync("hello"))
                {
                    _ = update;
                }
            }
            else
            {
                await client.GetResponseAsync("hello");
            }
        });

        Assert.StartsWith($"model 'local' at http://127.0.0.1:{local} cannot be reached: Connection refused", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"; model 'claude' at http://127.0.0.1:{claude} cannot be reached: Connection refused", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("I/O exception", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFallbackWithoutItsKey_DoesNotStopTheChain_AndIsNamedWhenReached()
    {
        var local = ClosedPort();
        var models = new Dictionary<string, ModelDefinition>
        {
            ["local"] = new() { Name = "local", Kind = ModelKind.OpenAICompatible, ModelId = "m", BaseUrl = new Uri($"http://127.0.0.1:{local}/v1"), MaxRetries = 0, Fallbacks = ["cloud"] },
            ["cloud"] = new() { Name = "cloud", Kind = ModelKind.Anthropic, ModelId = "claude-x", ApiKeySecret = "CLOUD_KEY", MaxRetries = 0 },
        };
        using var providers = new ProviderClientFactory(new Secrets(), TimeProvider.System);
        var pipeline = new ModelPipeline(models, providers, new RecordingLedger(), new PriceTable(new Dictionary<string, ModelPrice>()), TimeProvider.System, NullLoggerFactory.Instance);

        // Building the chain no longer needs every key: the primary is tried first.
        var client = pipeline.For("local", []);
        var failure = await Assert.ThrowsAsync<ModelChainException>(() => client.GetResponseAsync("hello"));

        Assert.StartsWith($"model 'local' at http://127.0.0.1:{local} cannot be reached", failure.Message, StringComparison.Ordinal);
        Assert.Contains("; model 'cloud' needs the secret 'CLOUD_KEY', which is not set; run: meshclaw secrets set CLOUD_KEY", failure.Message, StringComparison.Ordinal);
    }
}
