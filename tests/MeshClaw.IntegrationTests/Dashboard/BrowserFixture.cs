using MeshClaw.Host.Access;
using MeshClaw.Host.Gateway;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing;
using Microsoft.Playwright;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>A real gateway with data from real runs, and Debian's headless Chromium driven by Playwright.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The browser test classes run one after another: each starts a gateway and a Chromium, and two cores are enough for one.</summary>
    public const string Collection = "dashboard browser";

    private IPlaywright _playwright = null!;

    public ScriptedModelServer Server { get; private set; } = null!;
    public TestHome Home { get; } = new();
    public GatewayProcess Gateway { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Token => new FileSecretStore(Home.Root).Get(AccessToken.SecretName)!;
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        Server = await ScriptedModelServer.StartAsync();
        Home.OpenAIModel("main", Server.OpenAIBaseUrl, "web-main")
            .OpenAIModel("tight", Server.OpenAIBaseUrl, "web-tight")
            .Agent("worker", "model: main\ntools: [shell.exec, time.read]")
            .Agent("editor", "model: main\ntools: [files.*]")
            .Agent("tight", "model: tight\ntools: [time.read]\nbudget:\n  tokens_per_run: 50\n  tokens_per_day: 1000");
        Gateway = await GatewayProcess.StartAsync(Home.Root);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A new browser page, signed in through the sign-in form with the access token.</summary>
    public async Task<IPage> SignedInPageAsync(ViewportSize? viewport = null)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { AcceptDownloads = true, ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(Gateway.BaseUrl, "login").ToString());
        await page.FillAsync("#token", Token);
        await page.ClickAsync("#signin");
        // Asked of the browser rather than awaited as an event: WaitForURLAsync can miss the load event it subscribes to
        // after checking (microsoft/playwright-dotnet#3364), which timed this sign-in out now and then.
        await Assertions.Expect(page).ToHaveURLAsync(Gateway.BaseUrl.ToString());
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Gateway.DisposeAsync();
        await Server.DisposeAsync();
        Home.Dispose();
    }
}
