using System.Net;
using System.Net.Http.Json;
using MeshClaw.Host.Api;
using MeshClaw.Testing;
using Microsoft.Playwright;

namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>Chat with an agent in the browser: streamed, through the agent loop and the policy gate, as the signed-in user.</summary>
[Collection(BrowserFixture.Collection)]
public sealed class ChatTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Answer = "The file from the chat is there now, made after your approval.";

    [Fact]
    public async Task ChatTurn_StreamsTheAnswer_LinksTheApprovalItRaised_AndRunsAsAChatOfTheSignedInUser()
    {
        fixture.Server.For("web-main").Reply(ScriptedReply.ToolCall("run_command", """{"command":"touch from-the-chat"}""")).Reply(ScriptedReply.Text(Answer));
        var chat = await fixture.SignedInPageAsync();
        await chat.GotoAsync(new Uri(fixture.Gateway.BaseUrl, "chat").ToString());
        await chat.WaitForSelectorAsync("html[data-chat=ready]", new() { State = WaitForSelectorState.Attached });
        await chat.SelectOptionAsync("#chat-agent", "worker");
        await chat.FillAsync("#chat-message", "please make the file");
        await chat.ClickAsync("#chat-send");

        // The held call shows in the turn while the run is still going: the page reads the events as they come.
        var held = chat.Locator("#chat-log .turn .approval a");
        await Assertions.Expect(held).ToHaveTextAsync("Open the approval");
        Assert.Equal("running", await chat.GetAttributeAsync("#chat-log .turn", "data-state"));
        var href = (await held.GetAttributeAsync("href"))!;
        var approvals = await fixture.SignedInPageAsync();
        await approvals.GotoAsync(new Uri(fixture.Gateway.BaseUrl, href.TrimStart('/')).ToString());
        await approvals.ClickAsync($"#{href.Split('#')[1]} button:has-text('Approve')");

        await Assertions.Expect(chat.Locator("#chat-log .turn")).ToHaveAttributeAsync("data-state", "succeeded");
        await chat.ScreenshotAsync(new() { Path = Screenshots.Path("chat"), FullPage = true });
        Assert.Equal(Answer, await chat.TextContentAsync("#chat-log .turn .answer"));
        Assert.True(int.Parse((await chat.GetAttributeAsync("#chat-log .turn .answer", "data-deltas"))!, System.Globalization.CultureInfo.InvariantCulture) > 1,
            "the answer came in one piece, not streamed");
        Assert.True(File.Exists(Path.Combine(fixture.Home.Root, "workspaces", "worker", "from-the-chat")));
        var runId = (await chat.GetAttributeAsync("#chat-log .turn", "data-run"))!;
        using var client = fixture.Gateway.AuthorizedClient();
        var run = (await client.GetFromJsonAsync<RunView>(new Uri($"api/runs/{runId}", UriKind.Relative), ApiJson.Options))!;
        Assert.Equal("chat:dashboard", run.Trigger);
        Assert.StartsWith("chat_", run.Session, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatPost_WithoutASessionOrItsFormToken_IsRefused()
    {
        var asked = fixture.Server.For("web-main").RequestCount;
        using var anonymous = new HttpClient { BaseAddress = fixture.Gateway.BaseUrl };
        using var refused = await anonymous.PostAsync(new Uri("chat", UriKind.Relative), new FormUrlEncodedContent([new("agent", "worker"), new("message", "hi")]));
        var page = await fixture.SignedInPageAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "meshclaw_session");
        using var withSession = new HttpClient { BaseAddress = fixture.Gateway.BaseUrl };
        withSession.DefaultRequestHeaders.Add("Cookie", $"meshclaw_session={cookie.Value}");
        using var noCsrf = await withSession.PostAsync(new Uri("chat", UriKind.Relative), new FormUrlEncodedContent([new("agent", "worker"), new("message", "hi")]));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
        Assert.Equal(asked, fixture.Server.For("web-main").RequestCount);
    }
}
