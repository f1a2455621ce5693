using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MeshClaw.Host.Api;
using MeshClaw.Core.Configuration;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Gateway;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;
using MeshClaw.Host.Access;
using MeshClaw.Host.Composition;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli.Gateway;

/// <summary>
/// The CLI's side of the HTTP API. Finds the gateway (--url, else gateway.json, else the configured port) and
/// the access token (MESHCLAW_TOKEN, else the home folder's secrets store).
/// </summary>
public sealed class GatewayClient(HttpClient http, Uri baseUrl) : IDisposable
{
    public Uri BaseUrl => baseUrl;

    public static GatewayClient Create(MeshClawHome home, string? url)
    {
        var address = url
            ?? GatewayFile.Read(home.GatewayFile)?.Url
            ?? $"http://127.0.0.1:{SafePort(home)}";
        var token = Environment.GetEnvironmentVariable("MESHCLAW_TOKEN") is { Length: > 0 } fromEnv
            ? fromEnv
            : Directory.Exists(home.Root) ? StoredToken(home) : null;
        var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("meshclaw-cli", GatewayInfo.Version));
        return new GatewayClient(http, http.BaseAddress);
    }

    private static string? StoredToken(MeshClawHome home)
    {
        using var offline = OfflineMeshClaw.Open(home);
        return offline.GetRequiredService<ISecretStore>().Get(AccessToken.SecretName);
    }

    private static int SafePort(MeshClawHome home)
    {
        try
        {
            return ConfigLoader.Load(home.ConfigFile).Port;
        }
        catch (ConfigException)
        {
            return 7788;
        }
    }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ApiJson.Options) }, cancellationToken);

    /// <summary>Posts and reads the answer as server-sent events (name, JSON data) as they arrive.</summary>
    public async IAsyncEnumerable<(string Event, JsonElement Data)> StreamAsync(string path, object body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ApiJson.Options) };
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var name = "message";
        while (await ReadLineAsync(reader, cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                yield return (name, JsonDocument.Parse(line[6..]).RootElement.Clone());
                name = "message";
            }
        }
    }

    // A gateway that dies while a run streams cuts the connection: say that, not "I/O exception" with a stack trace.
    private async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new GatewayUnavailableException(
                $"the gateway at {baseUrl} stopped mid-run ({ex.Message}); the run is marked interrupted when the gateway starts again (meshclaw up, then meshclaw runs list)", ex);
        }
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken)
                ?? throw new GatewayUnavailableException($"the gateway at {baseUrl} sent an empty answer");
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new GatewayUnavailableException($"the gateway is not running at {baseUrl} ({ex.Message}); start it with: meshclaw up", ex);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string message;
        try
        {
            // Errors come as problem details (RFC 9457): the detail says what is wrong and what to do.
            using var problem = JsonDocument.Parse(text);
            message = problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()! : text;
        }
        catch (JsonException)
        {
            message = text;
        }

        throw response.StatusCode == HttpStatusCode.Unauthorized
            ? new GatewayUnavailableException($"the gateway at {baseUrl} refused the access token: {message}")
            : new GatewayRequestException((int)response.StatusCode, message);
    }

    public void Dispose() => http.Dispose();
}
