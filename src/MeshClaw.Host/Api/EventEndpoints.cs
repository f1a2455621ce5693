using System.Text.Json;
using MeshClaw.Core.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace MeshClaw.Host.Api;

/// <summary>
/// <c>GET /api/events</c>: MeshClaw's event stream as server-sent events (approval.requested, approval.answered,
/// run.started, run.ended, meshclaw.paused, meshclaw.resumed), for Slack and scripts that would otherwise poll. The
/// dashboard reads the same stream at <c>/events</c>, behind its own cookie scheme.
/// </summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this RouteGroupBuilder group) =>
        group.MapGet("/events", StreamAsync).Produces(200, contentType: "text/event-stream");

    /// <summary>Streams every event from now on until the watcher goes away or the gateway stops (an open tab must not hold up shutdown).</summary>
    public static async Task StreamAsync(HttpContext http, IEventStream events, IHostApplicationLifetime lifetime)
    {
        using var subscription = events.Subscribe();
        using var until = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        try
        {
            await http.Response.WriteAsync(": subscribed\n\n", until.Token);
            await http.Response.Body.FlushAsync(until.Token);
            await foreach (var item in subscription.ReadAllAsync(until.Token))
            {
                await http.Response.WriteAsync($"event: {item.Name}\ndata: {Data(item)}\n\n", until.Token);
                await http.Response.Body.FlushAsync(until.Token);
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            // The watcher went away, or the gateway is stopping.
        }
    }

    private static string Data(MeshClawEvent item) => item switch
    {
        ApprovalRequested r => JsonSerializer.Serialize(ApprovalView.From(r.Approval), ApiJson.Options),
        ApprovalAnswered a => JsonSerializer.Serialize(ApprovalView.From(a.Approval), ApiJson.Options),
        RunStarted s => JsonSerializer.Serialize(RunView.From(s.Run), ApiJson.Options),
        RunEnded e => JsonSerializer.Serialize(RunView.From(e.Run), ApiJson.Options),
        PauseChanged p => JsonSerializer.Serialize(new { p.Paused, p.By }, ApiJson.Options),
        _ => "{}",
    };
}
