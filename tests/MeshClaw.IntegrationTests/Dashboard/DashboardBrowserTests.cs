using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;
using MeshClaw.Host.Dashboard;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>The dashboard in a real headless Chromium against a real gateway, with data from real runs.</summary>
[Collection(BrowserFixture.Collection)]
public sealed class DashboardBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.Screenshots, name + ".png");

    [Fact]
    public async Task SigningIn_ThenApprovingAHeldCall_LetsTheRunFinish()
    {
        fixture.Server.For("web-main").Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch from-the-dashboard"}""")).Reply(ScriptedReply.Text("done after approval"));
        using var client = fixture.Gateway.AuthorizedClient();
        var pending = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("worker", "make the file", Trigger: "api"), ApiJson.Options);
        await fixture.Server.WaitForRequestAsync(r => r.Model == "web-main", TimeSpan.FromSeconds(30));
        var page = await fixture.SignedInPageAsync();

        await page.WaitForSelectorAsync("#pending-approvals >> text=touch from-the-dashboard");
        await page.ScreenshotAsync(new() { Path = Shot("home-with-pending-approval"), FullPage = true });
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "approvals").ToString());
        await page.ClickAsync("#pending-approvals button:has-text('Approve')");
        var run = (await (await pending).Content.ReadFromJsonAsync<RunView>(ApiJson.Options))!;
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, $"runs/{run.Id}").ToString());
        var status = await page.TextContentAsync("#run-status");
        await page.ScreenshotAsync(new() { Path = Shot("run-after-approval"), FullPage = true });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("succeeded", status);
        Assert.Contains("done after approval", await page.TextContentAsync("#run-answer"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(fixture.Home.Root, "workspaces", "worker", "from-the-dashboard")));
    }

    [Fact]
    public async Task HeldCall_AppearsOnTheOpenApprovalsPage_WithoutAReload_AndAsANoticeOnOtherPages()
    {
        fixture.Server.For("web-main").Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch live-approval"}""")).Reply(ScriptedReply.Text("done live"));
        var approvals = await fixture.SignedInPageAsync();
        await approvals.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "approvals").ToString());
        var runs = await fixture.SignedInPageAsync();
        await runs.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "runs").ToString());
        // Both pages are listening before the call is held: the test asks for nothing a reload would show.
        await approvals.WaitForSelectorAsync("html[data-live=open]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        await runs.WaitForSelectorAsync("html[data-live=open]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        Assert.Equal(0, await approvals.Locator("#pending-approvals >> text=live-approval").CountAsync());

        using var client = fixture.Gateway.AuthorizedClient();
        var pending = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("worker", "make the file", Trigger: "api"), ApiJson.Options);
        await approvals.WaitForSelectorAsync("#pending-approvals >> text=touch live-approval");
        await runs.WaitForSelectorAsync("#live-approvals >> text=asks to use run_command");
        await runs.ScreenshotAsync(new() { Path = Shot("live-approval-notice"), FullPage = true });
        var runId = (await approvals.Locator("#pending-approvals tr:has-text('touch live-approval')").GetAttributeAsync("data-run"))!;
        await Microsoft.Playwright.Assertions.Expect(runs.Locator($"#runs tr[data-run='{runId}'] td:nth-child(4)")).ToHaveTextAsync("waiting-approval");
        await approvals.ClickAsync("#pending-approvals button:has-text('Approve')");
        var run = (await (await pending).Content.ReadFromJsonAsync<RunView>(ApiJson.Options))!;
        await Microsoft.Playwright.Assertions.Expect(runs.Locator($"#runs tr[data-run='{runId}'] td:nth-child(4)")).ToHaveTextAsync("succeeded");
        Assert.Equal(run.Id, runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("Open approvals", await runs.TextContentAsync("#live-approvals a[href='/approvals']"));
    }

    [Fact]
    public async Task NewRun_AppearsOnHomeAndRuns_AsItStartsAndEnds_WithoutAReload()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Server.For("web-main").Reply(ScriptedReply.After(gate.Task, ScriptedReply.Text("live run done", inputTokens: 1200, outputTokens: 34)));
        var home = await fixture.SignedInPageAsync();
        var runs = await fixture.SignedInPageAsync();
        await runs.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "runs").ToString());
        var message = "live run " + Guid.NewGuid().ToString("N");
        foreach (var page in new[] { home, runs })
        {
            await page.WaitForSelectorAsync("html[data-live=open]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            // Gone after a reload: shows the page was changed in place.
            await page.EvaluateAsync("() => { window.sameDocument = true; }");
            Assert.Equal(0, await page.Locator($"#runs tr:has-text('{message}')").CountAsync());
        }

        using var client = fixture.Gateway.AuthorizedClient();
        var pending = client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody("worker", message, Trigger: "api"), ApiJson.Options);
        foreach (var page in new[] { home, runs })
        {
            await Microsoft.Playwright.Assertions.Expect(page.Locator($"#runs tr:has-text('{message}') td:nth-child(4)")).ToHaveTextAsync("running");
        }

        gate.SetResult();
        var run = (await (await pending).Content.ReadFromJsonAsync<RunView>(ApiJson.Options))!;
        foreach (var page in new[] { home, runs })
        {
            var row = page.Locator($"#runs tr[data-run='{run.Id}']");
            await Microsoft.Playwright.Assertions.Expect(row.Locator("td:nth-child(4) span.ok")).ToHaveTextAsync("succeeded");
            await Microsoft.Playwright.Assertions.Expect(row.Locator("td.num")).ToHaveTextAsync("1,234");
            Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), $"{page.Url} reloaded to show the run");
            Assert.Equal(1, await row.CountAsync());
        }

        await runs.ScreenshotAsync(new() { Path = Shot("runs-live"), FullPage = true });
    }

    [Fact]
    public async Task PauseAndResume_ShowAsANoticeOnAnOpenPage_WithoutAReload()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "usage").ToString());
        await page.WaitForSelectorAsync("html[data-live=open]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
        using var client = fixture.Gateway.AuthorizedClient();
        try
        {
            (await client.PostAsync(new Uri("api/pause", UriKind.Relative), null)).EnsureSuccessStatusCode();
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#live-pause")).ToContainTextAsync("MeshClaw was paused: nothing autonomous runs (by user:api).");
        }
        finally
        {
            (await client.PostAsync(new Uri("api/resume", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        await Microsoft.Playwright.Assertions.Expect(page.Locator("#live-pause")).ToContainTextAsync("MeshClaw was resumed (by user:api).");
        Assert.Equal("/agents", await page.GetAttributeAsync("#live-pause a", "href"));
    }

    [Fact]
    public async Task BudgetStop_IsShownOnTheStoppedRun()
    {
        fixture.Server.For("web-tight").ReplyAlways(ScriptedReply.ToolCall("time_now", "{}").WithUsage(90, 20));
        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "tight", "-m", "spend", "--json"));
        var page = await fixture.SignedInPageAsync();

        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, $"runs/{run.Id}").ToString());
        await page.ScreenshotAsync(new() { Path = Shot("budget-stopped-run"), FullPage = true });

        Assert.Equal("budget-stopped", await page.TextContentAsync("#run-status"));
        Assert.Contains("budget is 50 tokens per run", await page.TextContentAsync("#run-reason"), StringComparison.Ordinal);
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "usage").ToString());
        Assert.Contains("tight", await page.TextContentAsync("#budgets"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvExport_AddsUpToTheLedger()
    {
        fixture.Server.For("web-main").Reply(ScriptedReply.Text("for the ledger", inputTokens: 321, outputTokens: 12));
        await fixture.Gateway.CliAsync("run", "worker", "-m", "count", "--json");
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "usage").ToString());
        await page.ScreenshotAsync(new() { Path = Shot("usage-and-value"), FullPage = true });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        using var client = fixture.Gateway.AuthorizedClient();
        var ledger = (await client.GetFromJsonAsync<UsageReport>(new Uri($"api/usage?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-30).ToString("o", CultureInfo.InvariantCulture))}", UriKind.Relative), ApiJson.Options))!;

        var rows = csv.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        Assert.Equal("group,agent,model,calls,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost", csv[0]);
        Assert.Equal(ledger.TotalTokens, rows.Sum(r => long.Parse(r[4], CultureInfo.InvariantCulture) + long.Parse(r[5], CultureInfo.InvariantCulture)));
        Assert.Equal(ledger.TotalCost, rows.Sum(r => decimal.Parse(r[8], CultureInfo.InvariantCulture)));
        Assert.Equal(ledger.Calls, rows.Sum(r => int.Parse(r[3], CultureInfo.InvariantCulture)));
        // Every call of this gateway was made today: the chart has one bar, and it says how much.
        Assert.Equal([Format.Compact(ledger.TotalTokens)], await page.Locator("#tokens-chart svg text.value").AllTextContentsAsync());
        Assert.Equal(["tokens", "day (UTC)"], await page.Locator("#tokens-chart svg text.axis-title").AllTextContentsAsync());
    }

    [Fact]
    public async Task EveryPageAndRoute_RefusesWithoutASession_AndFormsWithoutTheCsrfToken()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Gateway.BaseUrl };
        foreach (var path in new[] { "", "runs", "runs/run_x", "approvals", "usage", "usage.csv", "usage.json", "waste", "agents", "events", "dashboard.js", "chat", "chat.js", "journal" })
        {
            using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().EndsWith("/login", StringComparison.Ordinal) == true,
                $"GET /{path} without a session answered {(int)response.StatusCode}");
        }

        foreach (var path in new[] { "pause", "resume", "approvals/apr_x/approve", "outcomes/1/feedback", "logout", "runs/run_x/undo", "journal/1/undo" })
        {
            using var response = await anonymous.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        foreach (var path in new[] { "api/runs", "api/usage", "api/approvals", "api/audit", "api/journal", "api/digest", "api/rules" })
        {
            using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var page = await fixture.SignedInPageAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "meshclaw_session");
        Assert.True(cookie.HttpOnly);
        using var withSession = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Gateway.BaseUrl };
        withSession.DefaultRequestHeaders.Add("Cookie", $"meshclaw_session={cookie.Value}");
        using var noCsrf = await withSession.PostAsync(new Uri("pause", UriKind.Relative), new FormUrlEncodedContent([new("x", "1")]));
        using var wrongCsrf = await withSession.PostAsync(new Uri("pause", UriKind.Relative), new FormUrlEncodedContent([new("csrf", "forged")]));
        Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongCsrf.StatusCode);
        Assert.False((await (await fixture.Gateway.AuthorizedClient().GetAsync(new Uri("health", UriKind.Relative))).Content.ReadFromJsonAsync<HealthView>(ApiJson.Options))!.Paused);
    }
}
