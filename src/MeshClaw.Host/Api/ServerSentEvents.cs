using System.Text.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Runs;
using Microsoft.AspNetCore.Http;

namespace MeshClaw.Host.Api;

/// <summary>Streams a run to an HTTP client as server-sent events: run, text, tool, done.</summary>
public sealed class ServerSentEvents(HttpResponse response) : IRunObserver
{
    public async Task SendAsync<T>(string name, T data, CancellationToken cancellationToken)
    {
        try
        {
            await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, ApiJson.Options)}\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException
            || (ex is OperationCanceledException && response.HttpContext.RequestAborted.IsCancellationRequested))
        {
            // The client went away; the run goes on being recorded (the coordinator decides whether it is cancelled).
        }
    }

    public ValueTask OnTextAsync(string delta, CancellationToken cancellationToken) =>
        new(SendAsync("text", new { delta }, cancellationToken));

    public ValueTask OnToolCallAsync(ToolCallRecord call, CancellationToken cancellationToken) =>
        new(SendAsync("tool", ToolCallView.From(call), cancellationToken));

    public ValueTask OnApprovalAsync(Approval approval, CancellationToken cancellationToken) =>
        new(SendAsync("approval", ApprovalView.From(approval), cancellationToken));
}
