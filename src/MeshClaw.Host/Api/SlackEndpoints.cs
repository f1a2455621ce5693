using System.Text.Json;
using MeshClaw.Connectors.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Api;

/// <summary>
/// Slack's Events API, for a gateway behind a reverse proxy (Socket Mode needs none): <c>/slack/events</c> (the
/// url_verification challenge, event callbacks) and <c>/slack/interactive</c> (button presses), behind the signature
/// door. Slack wants an answer within 3 s, so the work happens after the answer, as with a Socket Mode ack.
/// </summary>
public static class SlackEndpoints
{
    public static void MapSlackEndpoints(this RouteGroupBuilder slack)
    {
        slack.MapPost("/events", async Task<IResult> (HttpRequest request, SlackInbox inbox, IHostApplicationLifetime lifetime, ILoggerFactory logs) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var root = document.RootElement;
            switch (root.TryGetProperty("type", out var t) ? t.GetString() : null)
            {
                case "url_verification":
                    return TypedResults.Ok(new { challenge = root.TryGetProperty("challenge", out var c) ? c.GetString() : null });
                case "event_callback":
                    Dispatch(inbox, "events_api", request, root.Clone(), lifetime, logs);
                    return TypedResults.Ok();
                default:
                    return TypedResults.Ok();
            }
        });

        slack.MapPost("/interactive", async Task<IResult> (HttpRequest request, SlackInbox inbox, IHostApplicationLifetime lifetime, ILoggerFactory logs) =>
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            if (form["payload"].ToString() is not { Length: > 0 } text)
            {
                return TypedResults.BadRequest();
            }

            using var document = JsonDocument.Parse(text);
            Dispatch(inbox, "interactive", request, document.RootElement.Clone(), lifetime, logs);
            return TypedResults.Ok();
        });
    }

    private static void Dispatch(SlackInbox inbox, string type, HttpRequest request, JsonElement payload, IHostApplicationLifetime lifetime, ILoggerFactory logs)
    {
        // The signature is unique to the body and timestamp: the same request replayed inside the window is a repeat.
        var id = "http:" + request.Headers["X-Slack-Signature"];
        _ = Task.Run(async () =>
        {
            try
            {
                await inbox.HandleAsync(type, id, payload, lifetime.ApplicationStopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logs.CreateLogger(typeof(SlackEndpoints)).LogError(ex, "A Slack {Type} request could not be handled", type);
            }
        }, CancellationToken.None);
    }
}
