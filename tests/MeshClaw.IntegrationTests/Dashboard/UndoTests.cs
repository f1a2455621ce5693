using System.Net.Http.Json;
using MeshClaw.Host.Api;
using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing;
using Microsoft.Playwright;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>Undo buttons on the run page, going through the same undo as the API and the CLI.</summary>
[Collection(BrowserFixture.Collection)]
public sealed class UndoTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task UndoButtons_RevertOneEntryThenTheRun_AndSayWhatCouldNotBeUndone()
    {
        fixture.Server.For("web-main")
            .Reply(ScriptedReply.ToolCalls(("write_file", """{"path":"first.txt","content":"one"}"""), ("write_file", """{"path":"second.txt","content":"two"}""")))
            .Reply(ScriptedReply.Text("both written"));
        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "editor", "-m", "write two files", "--json"));
        var workspace = Path.Combine(fixture.Home.Root, "workspaces", "editor");
        Assert.True(File.Exists(Path.Combine(workspace, "first.txt")) && File.Exists(Path.Combine(workspace, "second.txt")), "the run did not write its files");
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, $"runs/{run.Id}").ToString());

        await page.ClickAsync("#journal tr:has-text('first.txt') button:has-text('Undo')");
        await Assertions.Expect(page.Locator("#undo-report")).ToContainTextAsync("1 of 1 change(s) undone");
        Assert.False(File.Exists(Path.Combine(workspace, "first.txt")), "the undone file is still there");
        Assert.True(File.Exists(Path.Combine(workspace, "second.txt")), "undoing one entry touched another");

        await page.ClickAsync("button:has-text('Undo this run')");
        await Assertions.Expect(page.Locator("#undo-report")).ToContainTextAsync("1 of 2 change(s) undone");
        await page.ScreenshotAsync(new() { Path = Screenshots.Path("run-undone"), FullPage = true });
        Assert.Contains("not undone", await page.TextContentAsync("#undo-report li:has-text('first.txt')"), StringComparison.Ordinal);
        Assert.Contains("already undone", await page.TextContentAsync("#undo-report li:has-text('first.txt')"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace, "second.txt")), "the run's other file is still there");
        Assert.Equal(0, await page.Locator("#journal button:has-text('Undo')").CountAsync());

        // The same journal and audit as any undo: two undo entries, each audited with the dashboard as the actor.
        using var client = fixture.Gateway.AuthorizedClient();
        var journal = (await client.GetFromJsonAsync<List<JournalEntryView>>(new Uri($"api/journal?run={run.Id}", UriKind.Relative), ApiJson.Options))!;
        var audit = (await client.GetFromJsonAsync<List<AuditRecordView>>(new Uri($"api/audit?run={run.Id}", UriKind.Relative), ApiJson.Options))!;
        Assert.Equal(2, journal.Count(e => e.Undoes is not null));
        Assert.Equal(2, audit.Count(a => a.Kind == "action.undone" && a.Actor == "user:dashboard"));
    }

    [Fact]
    public async Task JournalPage_ListsChangesAcrossRuns_AndUndoesOneThere()
    {
        fixture.Server.For("web-main").Reply(ScriptedReply.ToolCall("write_file", """{"path":"from-the-journal-page.txt","content":"x"}""")).Reply(ScriptedReply.Text("written"));
        var run = RunJson.Parse<RunView>(await fixture.Gateway.CliAsync("run", "editor", "-m", "write one file", "--json"));
        var file = Path.Combine(fixture.Home.Root, "workspaces", "editor", "from-the-journal-page.txt");
        Assert.True(File.Exists(file), "the run did not write its file");
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "journal").ToString());
        var row = page.Locator("#journal tr:has-text('from-the-journal-page.txt')");
        Assert.Equal($"/runs/{run.Id}", await row.Locator("a").GetAttributeAsync("href"));

        await row.Locator("button:has-text('Undo')").ClickAsync();

        await Assertions.Expect(page.Locator("#undo-report")).ToContainTextAsync("1 of 1 change(s) undone");
        await page.ScreenshotAsync(new() { Path = Screenshots.Path("journal-undone"), FullPage = true });
        // Answered on the journal page itself, not the run's.
        Assert.Matches(@"/journal/\d+/undo$", page.Url);
        Assert.Equal("Journal", await page.TextContentAsync("h1"));
        Assert.False(File.Exists(file), "the undone file is still there");
        Assert.Contains("undo of", await page.TextContentAsync("#journal tr:has-text('delete_file'):has-text('from-the-journal-page.txt')"), StringComparison.Ordinal);
    }
}
