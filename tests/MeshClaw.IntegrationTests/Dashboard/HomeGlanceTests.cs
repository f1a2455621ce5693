using System.Globalization;
using System.Net.Http.Json;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Triage;
using MeshClaw.Host.Api;
using MeshClaw.Host.Dashboard;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Storage.Insights;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Triage;
using MeshClaw.Testing;
using Microsoft.Playwright;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>The home page's overnight glance, on a gateway of its own so every figure on it is known exactly.</summary>
[Collection(BrowserFixture.Collection)]
public sealed class HomeGlanceTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Home_SaysWhatHappenedOvernight_AboveThePendingApprovals()
    {
        fixture.Server.For("web-main").Reply(ScriptedReply.Text("overnight answer", inputTokens: 400, outputTokens: 25));
        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "worker", "-m", "what happened", "--json"));
        var page = await fixture.SignedInPageAsync();
        var since = DateTimeOffset.Parse((await page.GetAttributeAsync("#overnight", "data-since"))!, CultureInfo.InvariantCulture);

        // Triage needs a mailbox, which these browser tests do without: its decisions and drafts are recorded through the
        // stores the inbox agent records them with, on the gateway's own database. One decision is from before the window.
        var database = new SqliteDatabase(Path.Combine(fixture.Home.Root, "meshclaw.db"));
        var triage = new SqliteTriageStore(database);
        var now = DateTimeOffset.UtcNow;
        foreach (var (source, at) in new[] { ("rule:automated", now), ("rule:list", now), ("model", now), ("rule:automated", since.AddHours(-1)) })
        {
            await triage.RecordAsync(new TriageDecision("work", Guid.NewGuid().ToString("N"), "a@example.org", "subject", "notification", source, "because", null, run.Id, "inbox", at), default);
        }

        var outcomes = new SqliteOutcomes(database);
        await outcomes.AddAsync(new NewOutcome(run.Id, "inbox", "draft.created", "Re: first draft", "a@example.org", "model", now), default);
        await outcomes.AddAsync(new NewOutcome(run.Id, "inbox", "draft.created", "Re: second draft", "b@example.org", "model", now), default);
        await page.ReloadAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.Path("home-overnight"), FullPage = true });

        Assert.Equal("3", await page.TextContentAsync("#overnight-triaged"));
        Assert.Equal("2", await page.TextContentAsync("#overnight-by-rules"));
        Assert.Equal("2", await page.TextContentAsync("#overnight-drafts"));
        Assert.Equal("1", await page.TextContentAsync("#overnight-runs"));
        using var client = fixture.Gateway.AuthorizedClient();
        var ledger = (await client.GetFromJsonAsync<UsageReport>(new Uri($"api/usage?since={Uri.EscapeDataString(since.ToString("o", CultureInfo.InvariantCulture))}", UriKind.Relative), ApiJson.Options))!;
        Assert.Equal(425, ledger.TotalTokens);
        Assert.Equal(Format.Number(ledger.TotalTokens), await page.TextContentAsync("#overnight-tokens"));
        Assert.Equal(Format.Money(ledger.TotalCost), await page.TextContentAsync("#overnight-cost"));
        Assert.True(await page.EvaluateAsync<bool>("() => !!(document.querySelector('#overnight').compareDocumentPosition(document.querySelector('#pending-approvals')) & Node.DOCUMENT_POSITION_FOLLOWING)"),
            "the overnight glance is not above the pending approvals");

        // A draft the user accepts no longer waits.
        await page.ClickAsync("#outcomes tr:has-text('Re: first draft') button:has-text('Accepted')");
        await Assertions.Expect(page.Locator("#overnight-drafts")).ToHaveTextAsync("1");
    }
}
