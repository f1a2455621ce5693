using System.Text.Json;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Starting, listing, inspecting and cancelling runs.</summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs", StartAsync);
        app.MapGet("/api/runs", async (IRunStore runs, int? limit, string? agent, CancellationToken ct) =>
            Results.Json((await runs.ListAsync(Math.Clamp(limit ?? 20, 1, 1000), agent, ct)).Select(RunView.From), ApiJson.Options));
        app.MapGet("/api/runs/{id}", async (string id, IRunStore runs, CancellationToken ct) =>
            await runs.GetAsync(new RunId(id), ct) is { } detail
                ? Results.Json(RunView.From(detail), ApiJson.Options)
                : Results.Json(new ApiError($"no run with id '{id}'"), ApiJson.Options, statusCode: 404));
        app.MapPost("/api/runs/{id}/cancel", (string id, RunCoordinator coordinator) =>
            coordinator.Cancel(new RunId(id))
                ? Results.Json(new { cancelled = id }, ApiJson.Options)
                : Results.Json(new ApiError($"run '{id}' is not running"), ApiJson.Options, statusCode: 404));
    }

    private static async Task StartAsync(HttpContext http, RunCoordinator coordinator)
    {
        StartRunBody? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<StartRunBody>(ApiJson.Options, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(http, 400, $"the request body is not valid JSON for a run: {ex.Message}");
            return;
        }

        if (body is null || string.IsNullOrWhiteSpace(body.Agent))
        {
            await WriteErrorAsync(http, 400, "the request body needs 'agent' and 'message'");
            return;
        }

        var kind = body.Trigger ?? (body.Session is null ? "api" : "chat");
        if (kind is not ("api" or "cli" or "chat"))
        {
            await WriteErrorAsync(http, 400, $"unknown trigger '{kind}'; use api, cli or chat");
            return;
        }

        var trigger = new RunTrigger(kind, http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
        AgentRunRequest request;
        try
        {
            request = await coordinator.PrepareAsync(body.Agent, body.Message ?? "", trigger, body.Session, body.Stream, http.RequestAborted);
        }
        catch (RunStartException ex)
        {
            await WriteErrorAsync(http, ex.StatusCode, ex.Message);
            return;
        }

        if (!body.Stream)
        {
            var run = await coordinator.RunAsync(request, http.RequestAborted);
            await http.Response.WriteAsJsonAsync(RunView.From(run), ApiJson.Options, http.RequestAborted);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var events = new ServerSentEvents(http.Response);
        await events.SendAsync("run", new { id = request.Id.Value, agent = request.Agent.Name }, http.RequestAborted);
        var finished = await coordinator.RunAsync(request with { Observer = events }, http.RequestAborted);
        await events.SendAsync("done", RunView.From(finished), CancellationToken.None);

    }

    private static Task WriteErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ApiError(message), ApiJson.Options);
    }
}
