using System.Net;
using MeshClaw.IntegrationTests.Infrastructure;

namespace MeshClaw.IntegrationTests.Gateway;

/// <summary><c>meshclaw dashboard</c> against a real gateway: the printed link signs a browser in once; a browser is opened only where one can be.</summary>
public sealed class DashboardCommandTests : IAsyncLifetime
{
    private readonly TestHome _home = new();
    private readonly string _bin = Path.Combine(Path.GetTempPath(), "meshclaw-bin-" + Guid.NewGuid().ToString("N")[..8]);
    private GatewayProcess _gateway = null!;

    private string Opened => Path.Combine(_bin, "opened.txt");

    public async Task InitializeAsync()
    {
        // A stand-in for the desktop's xdg-open: it notes the link it was asked to open.
        Directory.CreateDirectory(_bin);
        var opener = Path.Combine(_bin, "xdg-open");
        await File.WriteAllTextAsync(opener, $"#!/bin/sh\nprintf '%s' \"$1\" > '{Opened}'\n");
        File.SetUnixFileMode(opener, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _gateway = await GatewayProcess.StartAsync(_home.Root);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _home.Dispose();
        Directory.Delete(_bin, recursive: true);
    }

    private Task<CliResult> DashboardAsync(string? display, params string[] extra) =>
        MeshClawCli.RunAsync(_home.Root, ["dashboard", "--url", _gateway.BaseUrl.ToString(), .. extra], environment: new Dictionary<string, string?>
        {
            ["PATH"] = _bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["DISPLAY"] = display,
            ["WAYLAND_DISPLAY"] = null,
        });

    [Fact]
    public async Task PrintedLink_SignsInOnce_AndNeverAppearsInTheGatewaysOutput()
    {
        var result = await DashboardAsync(display: ":99", "--print");
        var link = result.Stdout.Split('\n')[0].Trim();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true });
        using var signIn = await browser.GetAsync(new Uri(link));
        using var home = await browser.GetAsync(new Uri(_gateway.BaseUrl, "/"));
        using var again = await new HttpClient().GetAsync(new Uri(link));
        var stopped = await _gateway.StopAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"{_gateway.BaseUrl}login/link?code=sc_", link, StringComparison.Ordinal);
        Assert.Contains("works once, within 2 minutes", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Opened), "--print opened a browser");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(0, stopped);
        Assert.DoesNotContain(link.Split("code=")[1], _gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithADisplay_TheLinkIsOpenedInTheBrowser_NotPrinted()
    {
        var result = await DashboardAsync(display: ":99");

        Assert.True(result.ExitCode == 0, result.ToString());
        var opened = await File.ReadAllTextAsync(Opened);
        Assert.StartsWith($"{_gateway.BaseUrl}login/link?code=sc_", opened, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("opened the dashboard in your browser", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutADisplay_NoBrowserIsTried_AndTheLinkIsPrinted()
    {
        var result = await DashboardAsync(display: null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(Opened), "a browser was opened without a display");
        Assert.StartsWith($"{_gateway.BaseUrl}login/link?code=sc_", result.Stdout, StringComparison.Ordinal);
    }
}
