using MeshClaw.Core.Security;
using System.Collections.Concurrent;
using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;
using MeshClaw.Models.Pipeline;
using MeshClaw.Models.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Models;

/// <summary>
/// Builds the IChatClient an agent talks to: for each model of its chain, provider → timeout → metering →
/// retry; then Microsoft.Extensions.AI's ordered failover across the chain. Every call an agent makes passes the metering layer.
/// </summary>
public sealed class ModelPipeline(
    IReadOnlyDictionary<string, ModelDefinition> models,
    ProviderClientFactory providers,
    IUsageLedger ledger,
    PriceTable prices,
    TimeProvider time,
    ILoggerFactory loggers,
    ISecretRedactor? redactor = null)
{
    /// <summary>The meter and activity source name of MeshClaw's model calls.</summary>
    public const string TelemetryName = "MeshClaw.Models";

    private readonly ConcurrentDictionary<string, IChatClient> _perModel = new(StringComparer.Ordinal);

    /// <summary>The chain for a model name: the model, its configured fallbacks (recursively, each once), then extra fallbacks.</summary>
    public IReadOnlyList<string> Chain(string model, IReadOnlyList<string> extraFallbacks)
    {
        var chain = new List<string>();
        void Add(string name)
        {
            if (chain.Contains(name))
            {
                return;
            }

            if (!models.TryGetValue(name, out var definition))
            {
                throw new InvalidOperationException($"model '{name}' is not declared in config.json (declared: {string.Join(", ", models.Keys.Order())})");
            }

            chain.Add(name);
            foreach (var fallback in definition.Fallbacks)
            {
                Add(fallback);
            }
        }

        Add(model);
        foreach (var extra in extraFallbacks)
        {
            Add(extra);
        }

        return chain;
    }

    public IChatClient For(string model, IReadOnlyList<string> extraFallbacks)
    {
        // The per-model clients are cached and shared between agents: the chain must not dispose them.
        IChatClient[] chain = [.. Chain(model, extraFallbacks).Select(name => new ChainFailures.Named(name, ClientOf(name)))];
        // MEAI001: the ordered failover client is marked experimental; we pin the package version, so a change is seen at upgrade.
        // It rethrows only the last model's failure: ChainFailures names every model's cause.
#pragma warning disable MEAI001
        return new ChainFailures(chain.Length == 1 ? chain[0] : new OrderedFailoverChatClient(chain, leaveOpen: true));
#pragma warning restore MEAI001
    }

    // A model whose key is not stored yet is not cached: once the user stores it, the next call builds the real client.
    private IChatClient ClientOf(string name) =>
        _perModel.TryGetValue(name, out var client) ? client
        : providers.MissingKey(models[name]) is { } problem ? new MissingKeyChatClient(problem)
        : _perModel.GetOrAdd(name, Build);

    private IChatClient Build(string name)
    {
        var definition = models[name];
        IChatClient client = providers.Create(definition);
        if (definition.Kind == ModelKind.Anthropic)
        {
            client = new AnthropicCacheBreakpoints(client);
        }

        // GenAI metrics (token usage, operation duration) for an optional OpenTelemetry export: aggregates only,
        // message content is never recorded (EnableSensitiveData stays off).
        client = new OpenTelemetryChatClient(client, sourceName: TelemetryName);
        // The time limit sits inside the meter, so a call that runs out of time is recorded as a timeout, not as cancelled.
        client = new TimeoutChatClient(client, name, definition.Timeout);
        client = new MeteringChatClient(client, definition, ledger, prices, time, redactor);
        return new RetryChatClient(client, name, definition.MaxRetries, TimeSpan.FromSeconds(30), time, loggers.CreateLogger<RetryChatClient>());
    }
}
