using System.Net;
using System.Net.Sockets;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;
using Microsoft.Playwright;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>
/// Untrusted text never makes the browser fetch anything: a file (as a mail would be) and the model's answer carrying
/// remote images and scripts are shown on every page they reach, in chat too, while a real listener counts every
/// connection to the address they name; and the pages raise no CSP violation of their own.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class RemoteContentTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>Counts every connection made to it; answers none (a request would be a read receipt, a tracker, a script).</summary>
    private sealed class Tripwire : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _hits;

        public Tripwire()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Hits => Volatile.Read(ref _hits);

        public List<string> Seen { get; } = [];

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _hits);
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var buffer = new byte[512];
                            var read = await client.GetStream().ReadAsync(buffer, _stop.Token);
                            lock (Seen)
                            {
                                Seen.Add(System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0]);
                            }
                        }
                    });
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }

    private static string Frame(int port, string name) => $"""<iframe src="http://127.0.0.1:{port}/{name}.html"></iframe>""";

    private static string Bait(int port, string name) =>
        $"""<img src="http://127.0.0.1:{port}/{name}.png"><script src="http://127.0.0.1:{port}/{name}.js"></script>{Frame(port, name)}<link rel="stylesheet" href="http://127.0.0.1:{port}/{name}.css"><svg><image href="http://127.0.0.1:{port}/{name}.svg"/></svg>""";

    [Fact]
    public async Task RemoteImagesInUntrustedContentAndModelOutput_AreNeverFetched_AndThePagesRaiseNoCspViolation()
    {
        await using var tripwire = new Tripwire();
        var fromFile = Bait(tripwire.Port, "mail");
        var fromModel = Bait(tripwire.Port, "answer");
        fixture.Server.For("web-main")
            .Reply(ScriptedReply.ToolCall("write_file", System.Text.Json.JsonSerializer.Serialize(new { path = "mail.html", content = "Dear user, " + fromFile })))
            .Reply(ScriptedReply.ToolCall("read_file", """{"path":"mail.html"}"""))
            .Reply(ScriptedReply.Text("Here is the mail: " + fromModel));
        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "editor", "-m", "show me " + Bait(tripwire.Port, "input"), "--json"));
        var page = await fixture.SignedInPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text} at {message.Location}");
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        foreach (var path in new[] { "", "runs", $"runs/{run.Id}", "journal", "approvals", "usage", "waste", "agents" })
        {
            await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        }

        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, $"runs/{run.Id}").ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        var transcript = await page.InnerHTMLAsync("main");
        var shown = await page.TextContentAsync("main");
        fixture.Server.For("web-main").Reply(ScriptedReply.Text("In chat: " + Bait(tripwire.Port, "chat")));
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "chat").ToString());
        await page.WaitForSelectorAsync("html[data-chat=ready]", new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#chat-agent", "worker");
        await page.FillAsync("#chat-message", "say it " + Bait(tripwire.Port, "chat-input"));
        await page.ClickAsync("#chat-send");
        await Assertions.Expect(page.Locator("#chat-log .turn")).ToHaveAttributeAsync("data-state", "succeeded");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Contains($"http://127.0.0.1:{tripwire.Port}/mail.png", shown, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{tripwire.Port}/answer.png", shown, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=", transcript, StringComparison.Ordinal);
        Assert.Contains($"/chat.png", await page.TextContentAsync("#chat-log .turn .answer"), StringComparison.Ordinal);
        Assert.DoesNotContain(requests, r => r.Contains($":{tripwire.Port}/", StringComparison.Ordinal));
        Assert.Equal(0, tripwire.Hits);
        Assert.True(!console.Any(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.StartsWith("error", StringComparison.Ordinal)), string.Join("\n", console));
    }

    [Fact]
    public async Task EvenMarkupThatReachedThePage_CannotLoadARemoteImageOrScript_ThePolicyStopsIt()
    {
        await using var tripwire = new Tripwire();
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "runs").ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

        // As if an encoding mistake let markup through: put it into the page the way a bug would, then count. No iframe:
        // the policy refuses it (frame-src 'none') and no request is sent, but Chromium opens a connection to its host
        // before it checks, so only the encoding (the test above) keeps an iframe from pinging its host.
        await page.EvaluateAsync($$"""
            () => {
              window.violations = [];
              document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective + ' ' + e.blockedURI));
              document.querySelector('main').insertAdjacentHTML('beforeend', `{{Bait(tripwire.Port, "injected").Replace(Frame(tripwire.Port, "injected"), "", StringComparison.Ordinal)}}`);
              const script = document.createElement('script');
              script.src = 'http://127.0.0.1:{{tripwire.Port}}/injected-dom.js';
              document.body.appendChild(script);
            }
            """);
        // The browser refuses before it connects and reports each refusal: once all three kinds are reported, nothing is on its way.
        await page.WaitForFunctionAsync("() => new Set(window.violations.map((v) => v.split(' ')[0])).size >= 3", null, new() { Timeout = 15_000 });
        var blocked = await page.EvaluateAsync<string[]>("() => window.violations");

        Assert.True(tripwire.Hits == 0, string.Join(" | ", tripwire.Seen) + " / " + string.Join(" | ", blocked));
        Assert.Contains(blocked, v => v.StartsWith("img-src", StringComparison.Ordinal));
        Assert.Contains(blocked, v => v.StartsWith("script-src", StringComparison.Ordinal));
        Assert.Contains(blocked, v => v.StartsWith("style-src", StringComparison.Ordinal));
    }

}
