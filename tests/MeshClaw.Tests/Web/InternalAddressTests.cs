using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshClaw.Connectors.Web;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Tools;

namespace MeshClaw.Tests.Web;

/// <summary>Fetching this machine, the local network or cloud metadata is a line no approval crosses, unless the user listed the domain.</summary>
public sealed class InternalAddressTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("2002:7f00:1::")]
    [InlineData("224.0.0.1")]
    public void InternalAddresses_AreRecognised(string address) => Assert.True(InternalAddresses.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    public void PublicAddresses_AreNot(string address) => Assert.False(InternalAddresses.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:9/x")]
    [InlineData("http://localhost:9/x")]
    [InlineData("http://2130706433:9/x")]
    [InlineData("http://0x7f.0.0.1:9/x")]
    [InlineData("http://[::1]:9/x")]
    [InlineData("http://[::ffff:127.0.0.1]:9/x")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    public async Task WebFetch_ToAnInternalAddress_IsForbidden_UnlessTheDomainIsListed(string url)
    {
        using var http = new HttpClient();
        var context = new ToolContext("a", new RunId("run_t"), Path.GetTempPath(), TimeProvider.System);
        var arguments = JsonSerializer.SerializeToElement(new { url });
        var host = new Uri(url).Host.Trim('[', ']');

        var unlisted = await new WebFetchTool(new WebSettings(), http).PrepareAsync(arguments, context, default);
        var listed = await new WebFetchTool(new WebSettings { AllowDomains = [host] }, http).PrepareAsync(arguments, context, default);

        Assert.NotNull(unlisted.Forbidden);
        Assert.Contains("internal address", unlisted.Forbidden, StringComparison.Ordinal);
        Assert.Null(listed.Forbidden);
    }

    [Fact]
    public async Task TheConnection_IsCheckedAgain_WhenItIsMade()
    {
        // A name that was public when the call was planned may point at 127.0.0.1 when it connects (DNS rebinding):
        // the connect step refuses it whatever the plan said.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebFetchTool.ConnectCheckedAsync });
        var context = new ToolContext("a", new RunId("run_t"), Path.GetTempPath(), TimeProvider.System);
        var tool = new WebFetchTool(new WebSettings(), http);

        var result = await tool.InvokeAsync(JsonSerializer.SerializeToElement(new { url = $"http://localhost:{port}/x" }), context, default);

        Assert.True(result.IsError);
        Assert.Contains("internal address", result.Content, StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }
}
