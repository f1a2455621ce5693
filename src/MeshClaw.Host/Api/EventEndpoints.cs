using System.Text.Json;
using MeshClaw.Core.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary>
/// <c>GET /api/events</c>: MeshClaw's event stream as server-sent events (approval.requested, approval.answered,
/// run.started, run.ended, meshclaw.paused, meshclaw.resumed), for the dashboard, Slack and scripts that would
/// otherwise poll.
/// </summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this RouteGroupBuilder api) => api.MapGet("/events", async (HttpContext http, IEventStream events) =>
    {
        using var subscription = events.Subscribe();
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.WriteAsync(": subscribed\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await foreach (var item in subscription.ReadAllAsync(http.RequestAborted))
            {
                var data = item switch
                {
                    ApprovalRequested r => JsonSerializer.Serialize(ApprovalView.From(r.Approval), ApiJson.Options),
                    ApprovalAnswered a => JsonSerializer.Serialize(ApprovalView.From(a.Approval), ApiJson.Options),
                    RunStarted s => JsonSerializer.Serialize(RunView.From(s.Run), ApiJson.Options),
                    RunEnded e => JsonSerializer.Serialize(RunView.From(e.Run), ApiJson.Options),
                    PauseChanged p => JsonSerializer.Serialize(new { p.Paused, p.By }, ApiJson.Options),
                    _ => "{}",
                };
                await http.Response.WriteAsync($"event: {item.Name}\ndata: {data}\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The watcher went away.
        }
    }).Produces(200, contentType: "text/event-stream");
}
