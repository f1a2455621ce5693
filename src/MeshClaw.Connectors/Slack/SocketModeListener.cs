using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Slack's Socket Mode: asks apps.connections.open for a WebSocket URL, waits for <c>hello</c>, acknowledges every
/// envelope by its <c>envelope_id</c> as soon as it arrives (Slack wants it within 3 s; the work comes after, off the
/// socket's loop), and connects again when Slack says <c>disconnect</c> or the socket drops, waiting longer after each
/// failure in a row (up to 30 s).
/// </summary>
public sealed class SocketModeListener(ICurrentConfig config, SlackConnections connections, SlackInbox inbox, TimeProvider time, ILogger<SocketModeListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NotConnectedLook = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Task, byte> _handling = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = config.Sections.Get<SlackSettings>();
            if (!settings.Connected || !settings.SocketMode)
            {
                // `connect slack` on a running gateway is seen here, without a restart.
                try
                {
                    await Task.Delay(NotConnectedLook, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            try
            {
                var url = await connections.App(settings).OpenConnectionAsync(stoppingToken);
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(url, stoppingToken);
                if (await ListenAsync(socket, stoppingToken))
                {
                    failures = 0;
                }
                else
                {
                    failures++;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SlackApiException or WebSocketException or HttpRequestException or JsonException)
            {
                failures++;
                logger.LogWarning("Slack Socket Mode connection failed ({Error}); connecting again", ex.Message);
            }

            var wait = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(failures, 8)));
            try
            {
                await Task.Delay(failures == 0 ? TimeSpan.Zero : wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_handling.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Reads until Slack says disconnect or the socket ends; true when the connection got as far as hello.</summary>
    private async Task<bool> ListenAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var greeted = false;
        using var sending = new SemaphoreSlim(1, 1);
        while (socket.State == WebSocketState.Open)
        {
            var text = await ReceiveAsync(socket, cancellationToken);
            if (text is null)
            {
                break;
            }

            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var type = SlackClient.Str(root, "type");
            if (type == "hello")
            {
                greeted = true;
                continue;
            }

            if (type == "disconnect")
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Slack asked to reconnect ({Reason})", SlackClient.Str(root, "reason"));
                }

                break;
            }

            if (SlackClient.Str(root, "envelope_id") is not { } envelopeId || type is null)
            {
                continue;
            }

            await AckAsync(socket, sending, envelopeId, cancellationToken);
            var payload = root.TryGetProperty("payload", out var p) ? p.Clone() : default;
            Track(Task.Run(() => HandleAsync(type, envelopeId, payload, cancellationToken), CancellationToken.None));
        }

        if (socket.State == WebSocketState.Open)
        {
            using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", close.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return greeted;
    }

    private async Task HandleAsync(string type, string envelopeId, JsonElement payload, CancellationToken cancellationToken)
    {
        try
        {
            await inbox.HandleAsync(type, envelopeId, payload, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // MeshClaw is stopping.
        }
        catch (Exception ex)
        {
            logger.LogError("A Slack {Type} envelope {Envelope} could not be handled: {Error}", type, envelopeId, ex.Message);
        }
    }

    private void Track(Task task)
    {
        _handling[task] = 0;
        _ = task.ContinueWith(t => _handling.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static async Task AckAsync(ClientWebSocket socket, SemaphoreSlim sending, string envelopeId, CancellationToken cancellationToken)
    {
        var ack = JsonSerializer.SerializeToUtf8Bytes(new { envelope_id = envelopeId });
        await sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(ack, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            sending.Release();
        }
    }

    private static async Task<string?> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }
}
