using System.Text.RegularExpressions;
using MeshClaw.Core.Loop;
using MeshClaw.Host.Access;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Api;
using MeshClaw.Host.Dashboard.Views;
using MeshClaw.Host.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard.Chat;

/// <summary>
/// Chat with an agent in the browser. A turn is a dashboard form (with its antiforgery token) posted by the page's
/// script, and answered as server-sent events (run, text, tool, approval, done) while the run goes: the same
/// <see cref="RunCoordinator"/> path as the API's streamed runs, so the agent loop, the metered model pipeline, the policy
/// gate and approvals all apply. The run's origin follows from the signed-in caller (<see cref="CallerOrigin"/>): the
/// dashboard's session carries the interactive claim, so a turn is a chat run that a person is watching.
/// </summary>
public static partial class ChatPage
{
    public const string ScriptPath = "/chat.js";

    public static void MapChatPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/chat", Task<IResult> (HttpContext http, AgentCatalogSource agents, string? agent) =>
            DashboardPage.RenderAsync(http, Slices.Chat.Create(new ChatView(DashboardPage.Csrf(http),
                [.. agents.Current().Agents.Select(a => a.Name).Order(StringComparer.Ordinal)], agent,
                // One session per open page: its turns see each other (the run store's session history), no other page's.
                "chat_" + Guid.NewGuid().ToString("N")))));
        pages.MapPost("/chat", SendAsync);
        pages.MapGet(ScriptPath, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Text(ChatScript.Text, "text/javascript; charset=utf-8");
        });
    }

    private static async Task SendAsync(HttpContext http, RunCoordinator coordinator)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var agent = form["agent"].ToString();
        var message = form["message"].ToString();
        var session = form["session"].ToString();
        if (agent.Length == 0 || string.IsNullOrWhiteSpace(message))
        {
            await RefuseAsync(http, StatusCodes.Status400BadRequest, "choose an agent and write a message");
            return;
        }

        if (!SessionId().IsMatch(session))
        {
            await RefuseAsync(http, StatusCodes.Status400BadRequest, "the chat session is not one this page made; reload the page");
            return;
        }

        var origin = CallerOrigin.Resolve(http.User, "chat", session, "dashboard");
        AgentRunRequest request;
        try
        {
            request = await coordinator.PrepareAsync(agent, message, origin, session, stream: true, content: null, http.RequestAborted)
                with { SuggestOnly = form["suggest"] == "on" };
        }
        catch (RunStartException ex)
        {
            await RefuseAsync(http, ex.StatusCode, ex.Message);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var events = new ServerSentEvents(http.Response);
        await events.SendAsync("run", new { id = request.Id.Value, agent = request.Agent.Name }, http.RequestAborted);
        // As for the API: a caller that goes away cancels the turn, unless it waits for an approval.
        var finished = await coordinator.RunAsync(request with { Observer = events }, CancellationToken.None, caller: http.RequestAborted);
        await events.SendAsync("done", Api.RunView.From(finished), CancellationToken.None);
    }

    private static Task RefuseAsync(HttpContext http, int status, string why)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsync(why, http.RequestAborted);
    }

    [GeneratedRegex("^chat_[0-9a-f]{32}$")]
    private static partial Regex SessionId();
}
