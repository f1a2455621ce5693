using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Web;

/// <summary>
/// Fetches a web page and returns its readable text, marked untrusted. A request carries data outside (in its
/// URL), so it counts as sending outside: domains on the allow-list may be fetched without approval while the
/// run is untainted; anything else is held for approval. Redirects are not followed blindly: a redirect to
/// another host is reported, not fetched.
/// </summary>
public sealed class WebFetchTool(WebSettings settings, HttpClient http) : IAgentTool
{
    public string Name => "web_fetch";
    public string Capability => "web.fetch";
    public ToolRisk Risk => ToolRisk.SendsOutside;
    public string Description => "Fetches a web page (http or https) and returns its readable text.";

    public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"url":{"type":"string","description":"absolute http(s) URL"}},"required":["url"],"additionalProperties":false}
        """).RootElement;

    private static readonly HttpRequestOptionsKey<bool> InternalAllowed = new("meshclaw.internal-allowed");

    public async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var url = Url(arguments);
        var allowListed = settings.Allows(url);
        return new ToolCallPlan(Risk)
        {
            Target = url.ToString(),
            AllowListed = allowListed,
            // A line no approval crosses: this machine, the local network and cloud metadata are reached only through a domain the user listed.
            Forbidden = allowListed ? null : await InternalAddresses.RefusalAsync(url.IdnHost, cancellationToken),
        };
    }

    /// <summary>
    /// Connects to the address the name resolves to now, after checking it again: a name that resolved to a public
    /// address when the call was planned may resolve to 127.0.0.1 a moment later (DNS rebinding).
    /// </summary>
    public static async ValueTask<Stream> ConnectCheckedAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await InternalAddresses.ResolveAsync(host, cancellationToken);
        var internalAllowed = context.InitialRequestMessage.Options.TryGetValue(InternalAllowed, out var allowed) && allowed;
        if (!internalAllowed && addresses.FirstOrDefault(InternalAddresses.IsInternal) is { } found)
        {
            throw new HttpRequestException($"{host} resolves to an internal address ({found}), and the domain is not on web.allowDomains");
        }

        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var url = Url(arguments);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("MeshClaw", "1.0"));
        request.Options.Set(InternalAllowed, settings.Allows(url));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        }
        catch (HttpRequestException ex)
        {
            return new ToolResult($"cannot fetch {url}: {ex.Message}", IsError: true, Untrusted: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ToolResult.Error($"{url} did not answer within {settings.Timeout.TotalSeconds:0} s");
        }

        using (response)
        {
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                // The Location header is written by the server: untrusted.
                return new ToolResult($"{url} redirects to {response.Headers.Location}; fetch that URL if it is wanted", IsError: true, Untrusted: true);
            }

            await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
            var buffer = new byte[settings.MaxBytes];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, limit.Token);
            var raw = Encoding.UTF8.GetString(buffer, 0, read);
            var isHtml = response.Content.Headers.ContentType?.MediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? raw.TrimStart().StartsWith('<');
            var text = isHtml ? ReadableText.FromHtml(raw) : raw;
            return new ToolResult($"HTTP {(int)response.StatusCode} from {url}\n{text}", IsError: !response.IsSuccessStatusCode, Untrusted: true);
        }
    }

    private static Uri Url(JsonElement arguments)
    {
        var text = ToolArguments.RequiredString(arguments, "url");
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new ToolArgumentException($"'{text}' is not an absolute http(s) URL");
    }
}
