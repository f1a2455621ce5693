using System.Net;
using System.Net.Sockets;
using System.Text;
using MeshClaw.IntegrationTests.Infrastructure;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary>
/// Request errors a client causes get a readable problem body and one log line, against a real gateway process: a body
/// that is not JSON (415), one too large (413), one that arrives too slowly (408). The log never shows a stack trace.
/// </summary>
public sealed class RequestErrorTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayProcess.StartAsync(_home.Root);

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _home.Dispose();
    }

    private void AssertNoStackTrace() =>
        Assert.False(_gateway.Output.Contains("   at ", StringComparison.Ordinal) || _gateway.Output.Contains("Unhandled exception", StringComparison.Ordinal), _gateway.Output);

    [Fact]
    public async Task ANonJsonBody_Gets415InWords()
    {
        using var client = _gateway.AuthorizedClient();
        using var body = new StringContent("run the inbox", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync(new Uri("api/runs", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("must be JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNoStackTrace();
    }

    /// <summary>Sends a request head and the start of its body on a raw connection, then reads whatever the gateway answers.</summary>
    private async Task<string> PartialRequestAsync(string path, long contentLength, string start)
    {
        using var client = _gateway.AuthorizedClient();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _gateway.Port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{_gateway.Port}\r\nAuthorization: {client.DefaultRequestHeaders.Authorization}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{start}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData("/api/runs")]
    [InlineData("/api/approvals/apr_0/approve")]
    public async Task AnOversizedBody_Gets413InWords(string path)
    {
        var answer = await PartialRequestAsync(path, 4L * 1024 * 1024 * 1024, "{\"agent\":");

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("larger than the gateway takes", answer, StringComparison.Ordinal);
        AssertNoStackTrace();
    }

    [Fact]
    public async Task ABodyThatArrivesTooSlowly_Gets408InWords()
    {
        // The gateway answers when its minimum body data rate runs out (after its grace period); nothing more is sent.
        var answer = await PartialRequestAsync("/api/runs", 100_000, "{\"agent\":");

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("arrived too slowly", answer, StringComparison.Ordinal);
        AssertNoStackTrace();
    }
}
