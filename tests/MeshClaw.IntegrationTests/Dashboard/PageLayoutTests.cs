using System.Net.Http.Json;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;
using Microsoft.Playwright;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>
/// Every page at desktop (1280x800) and phone (390x844) width, with long inputs in it: nothing scrolls sideways, and
/// a screenshot of each lands in artifacts/screenshots.
/// </summary>
[Collection(BrowserFixture.Collection)]
public sealed class PageLayoutTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    [Fact]
    public async Task EveryPage_FitsAPhoneAndADesktop_WithoutSidewaysScrolling_AndTheRunPageShowsALongInputWhole()
    {
        // An input with no place to break, and a held call whose arguments are as long.
        var longInput = "summarise:" + string.Concat(Enumerable.Repeat("averyveryverylongwordwithoutanyspace", 12));
        fixture.Server.For("web-main").Reply(ScriptedReply.Text("short answer"));
        var longRun = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "worker", "-m", longInput, "--json"));
        fixture.Server.For("web-main").Reply(ScriptedReply.ToolCalls(("write_file", """{"path":"notes/a-file-with-a-rather-long-name-for-a-phone.txt","content":"x"}""")))
            .Reply(ScriptedReply.Text("written"));
        var editorRun = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "editor", "-m", "write a note", "--json"));
        fixture.Server.For("web-main").Reply(ScriptedReply.ToolCall("run_command", $$"""{"command":"touch {{longInput}}"}""")).Reply(ScriptedReply.Text("echoed"));
        using var client = fixture.Gateway.AuthorizedClient();
        var held = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("worker", "touch it", Trigger: "api"), ApiJson.Options);
        var approval = await Eventually.GetAsync(
            async () => (await client.GetFromJsonAsync<List<ApprovalView>>(new Uri("api/approvals", UriKind.Relative), ApiJson.Options))!.SingleOrDefault(),
            TimeSpan.FromSeconds(30), "the touch call to be held for approval");
        var pages = new (string Name, string Path)[]
        {
            ("home", ""), ("chat", "chat"), ("runs", "runs"), ("run-long-input", $"runs/{longRun.Id}"), ("run-with-changes", $"runs/{editorRun.Id}"),
            ("approvals", "approvals"), ("journal", "journal"), ("usage", "usage"), ("waste", "waste"), ("agents", "agents"), ("sign-in", "login"),
        };

        foreach (var (width, viewport) in new[] { ("desktop", Desktop), ("phone", Phone) })
        {
            var page = await fixture.SignedInPageAsync(viewport);
            foreach (var (name, path) in pages)
            {
                await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, path).ToString());
                await page.ScreenshotAsync(new() { Path = Screenshots.Path($"{name}-{width}"), FullPage = true });
                var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]");
                Assert.True(widths[0] <= widths[1], $"/{path} scrolls sideways at {viewport.Width}px: {widths[0]}px of content in {widths[1]}px");
            }

            await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "approvals").ToString());
            Assert.Contains(longInput, await page.TextContentAsync($"#approval-{approval.Id}"), StringComparison.Ordinal);
            await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, $"runs/{longRun.Id}").ToString());
            Assert.Equal(longInput, await page.TextContentAsync("#run-input"));
            await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "runs").ToString());
            Assert.EndsWith("…", await page.TextContentAsync($"#runs tr[data-run='{longRun.Id}'] td.input"), StringComparison.Ordinal);
        }

        (await client.PostAsync(new Uri($"api/approvals/{approval.Id}/deny", UriKind.Relative), null)).EnsureSuccessStatusCode();
        (await held).EnsureSuccessStatusCode();
    }
}
