using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using MeshClaw.Core.Security;
using MeshClaw.Models.Config;
using Microsoft.Extensions.AI;
using OpenAI;

namespace MeshClaw.Models.Providers;

/// <summary>
/// Creates the raw provider client for one configured model. SDK-level retries are off: retries and
/// failover are MeshClaw's own pipeline layers, so they are counted and metered.
/// </summary>
public sealed class ProviderClientFactory(ISecretStore secrets, TimeProvider time) : IDisposable
{
    // One connection pool for every provider; each client gets its own error-translating handler on top.
    private readonly SocketsHttpHandler _sockets = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public IChatClient Create(ModelDefinition model)
    {
        var http = new HttpClient(new ProviderHttpHandler(model.Name, time) { InnerHandler = _sockets }, disposeHandler: false)
        {
            // The pipeline's timeout layer owns time limits.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var key = ApiKey(model);
        return model.Kind switch
        {
            ModelKind.OpenAICompatible => new OpenAIClient(new ApiKeyCredential(key ?? "none"), new OpenAIClientOptions
            {
                Endpoint = model.BaseUrl,
                Transport = new HttpClientPipelineTransport(http),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = Timeout.InfiniteTimeSpan,
            }).GetChatClient(model.ModelId).AsIChatClient(),
            ModelKind.Anthropic => new AnthropicClient
            {
                ApiKey = key,
                BaseUrl = model.BaseUrl?.ToString().TrimEnd('/') ?? "https://api.anthropic.com",
                HttpClient = http,
                MaxRetries = 0,
            }.AsIChatClient(model.ModelId, model.MaxOutputTokens),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Kind, "unknown model kind"),
        };
    }

    /// <summary>What is missing before <paramref name="model"/> can be called (its API key secret), or null when nothing is.</summary>
    public string? MissingKey(ModelDefinition model) =>
        model.ApiKeySecret is { } name && secrets.Get(name) is null
            ? $"model '{model.Name}' needs the secret '{name}', which is not set; run: meshclaw secrets set {name}"
            : null;

    private string? ApiKey(ModelDefinition model)
    {
        if (model.ApiKeySecret is null)
        {
            return null;
        }

        return secrets.Get(model.ApiKeySecret) ?? throw new InvalidOperationException(MissingKey(model));
    }

    public void Dispose() => _sockets.Dispose();
}
