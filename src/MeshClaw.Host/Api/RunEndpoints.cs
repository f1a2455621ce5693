using System.Text.Json;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Access;
using MeshClaw.Host.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>Starting, listing, inspecting and cancelling runs.</summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/runs", StartAsync).Accepts<StartRunBody>("application/json").Produces<RunView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        api.MapGet("/runs", async Task<Ok<IEnumerable<RunView>>> (IRunStore runs, int? limit, string? agent, CancellationToken ct) =>
            TypedResults.Ok((await runs.ListAsync(Math.Clamp(limit ?? 20, 1, 1000), agent, ct)).Select(RunView.From)));
        api.MapGet("/runs/{id}", async Task<Results<Ok<RunView>, ProblemHttpResult>> (string id, IRunStore runs, CancellationToken ct) =>
            await runs.GetAsync(new RunId(id), ct) is { } detail ? TypedResults.Ok(RunView.From(detail)) : ApiProblems.NotFound($"no run with id '{id}'"));
        api.MapGet("/runs/{id}/usage", async Task<Results<Ok<IEnumerable<ModelCallView>>, ProblemHttpResult>> (string id, IRunStore runs, IUsageLedger ledger, CancellationToken ct) =>
            await runs.GetAsync(new RunId(id), ct) is null
                ? ApiProblems.NotFound($"no run with id '{id}'")
                : TypedResults.Ok((await ledger.CallsAsync(id, ct)).Select(ModelCallView.From)));
        api.MapPost("/runs/{id}/cancel", Results<Ok<CancelView>, ProblemHttpResult> (string id, RunCoordinator coordinator) =>
            coordinator.Cancel(new RunId(id)) ? TypedResults.Ok(new CancelView(id)) : ApiProblems.NotFound($"run '{id}' is not running"));
    }

    private static async Task StartAsync(HttpContext http, RunCoordinator coordinator)
    {
        if (!http.Request.HasJsonContentType())
        {
            await WriteProblemAsync(http, StatusCodes.Status415UnsupportedMediaType, $"the request body must be JSON (Content-Type: application/json), not '{http.Request.ContentType}'");
            return;
        }

        StartRunBody? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<StartRunBody>(ApiJson.Options, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            await WriteProblemAsync(http, 400, $"the request body is not valid JSON for a run: {ex.Message}");
            return;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var limit = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            await WriteProblemAsync(http, 413, $"the request body is larger than the gateway takes ({(limit is { } l ? $"{l / (1024 * 1024)} MB" : "its limit")}); hand a large text to the agent as a file in its workspace instead");
            return;
        }

        if (body is null || string.IsNullOrWhiteSpace(body.Agent))
        {
            await WriteProblemAsync(http, 400, "the request body needs 'agent' and 'message'");
            return;
        }

        http.Items[RequestErrors.RunAgentKey] = body.Agent;
        if (body.Trigger is not (null or "api" or "cli" or "chat"))
        {
            await WriteProblemAsync(http, 400, $"unknown trigger '{body.Trigger}'; use api, cli or chat");
            return;
        }

        var origin = CallerOrigin.Resolve(http.User, body.Trigger, body.Session, http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
        var content = body.Content is { Text.Length: > 0 } c ? new TriggerContent(string.IsNullOrWhiteSpace(c.Source) ? "api" : c.Source, c.Text) : null;
        AgentRunRequest request;
        try
        {
            request = await coordinator.PrepareAsync(body.Agent, body.Message ?? "", origin, body.Session, body.Stream, content, http.RequestAborted) with { SuggestOnly = body.SuggestOnly };
        }
        catch (RunStartException ex)
        {
            await WriteProblemAsync(http, ex.StatusCode, ex.Message);
            return;
        }

        if (!body.Stream)
        {
            var run = await coordinator.RunAsync(request, CancellationToken.None, caller: http.RequestAborted);
            await http.Response.WriteAsJsonAsync(RunView.From(run), ApiJson.Options, http.RequestAborted);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var events = new ServerSentEvents(http.Response);
        await events.SendAsync("run", new { id = request.Id.Value, agent = request.Agent.Name }, http.RequestAborted);
        var finished = await coordinator.RunAsync(request with { Observer = events }, CancellationToken.None, caller: http.RequestAborted);
        await events.SendAsync("done", RunView.From(finished), CancellationToken.None);
    }

    private static Task WriteProblemAsync(HttpContext http, int status, string detail) =>
        ApiProblems.Of(status, detail).ExecuteAsync(http);
}
