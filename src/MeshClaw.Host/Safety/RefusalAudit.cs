using System.Globalization;
using MeshClaw.Core.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Safety;

/// <summary>
/// Audits a request the gateway refused because its store could not be written (a full disk): <c>request.refused</c>,
/// naming what was asked (the agent of a run) and why. The audit log lives on the same disk, so when it cannot be
/// written either the record is held in memory, in order, and written when space returns (tried every
/// <see cref="Retry"/>), marked <c>held</c> with the time of the refusal. The log line every refusal also gets is the
/// record if the gateway stops first; stopping says how many were never written. At most <see cref="Capacity"/> are
/// held; beyond that they are counted, and the count is written with the first held record.
/// </summary>
public sealed partial class RefusalAudit(IAuditLog audit, TimeProvider time, ILogger<RefusalAudit> log) : BackgroundService
{
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);
    public const int Capacity = 1_000;

    private readonly Lock _gate = new();
    private readonly Queue<(AuditEvent Event, DateTimeOffset At, int FailuresBefore)> _held = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0);
    private int _dropped;
    private int _failures;

    /// <summary>How many refusals wait to be written to the audit log.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Audits the refusal now, or holds it until the audit log can be written.</summary>
    public async Task RecordAsync(string method, string path, int status, string reason, string? agent)
    {
        var refusal = new AuditEvent("request.refused", "gateway", null, new { method, path, status, reason, agent });
        lock (_gate)
        {
            if (_held.Count >= Capacity)
            {
                _dropped++;
                return;
            }

            _held.Enqueue((refusal, time.GetUtcNow(), _failures));
        }

        if (!await TryWriteAsync(CancellationToken.None))
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stoppingToken);
                while (!await TryWriteAsync(stoppingToken))
                {
                    await Task.Delay(Retry, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one last try below.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!await TryWriteAsync(CancellationToken.None))
        {
            NeverWritten(log, Held + _dropped);
        }
    }

    /// <summary>Writes the held refusals in order; false when some are still held (the audit log cannot be written yet).</summary>
    private async Task<bool> TryWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                (AuditEvent Event, DateTimeOffset At, int FailuresBefore) next;
                int dropped;
                bool late;
                lock (_gate)
                {
                    if (!_held.TryPeek(out next))
                    {
                        return true;
                    }

                    dropped = _dropped;
                    // Held: a write failed while it waited (its own or one ahead of it).
                    late = _failures > next.FailuresBefore || dropped > 0;
                }

                // Written at once: as it was. Written later: when it happened, and how many could not even be held.
                var record = late
                    ? next.Event with { Data = new { refusal = next.Event.Data, held = true, refusedAt = next.At.ToString("O", CultureInfo.InvariantCulture), notHeld = dropped } }
                    : next.Event;
                try
                {
                    await audit.AppendAsync(record, CancellationToken.None);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    lock (_gate)
                    {
                        _failures++;
                    }

                    NotYet(log, ex.Message);
                    return false;
                }

                lock (_gate)
                {
                    _held.Dequeue();
                    _dropped -= dropped;
                }
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "a refusal cannot be audited yet ({Reason}); held in memory")]
    private static partial void NotYet(ILogger log, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} refused request(s) could not be written to the audit log before stopping (the disk is still full); the gateway's log lines above are their only record")]
    private static partial void NeverWritten(ILogger log, int count);

    public override void Dispose()
    {
        _writer.Dispose();
        _wake.Dispose();
        base.Dispose();
    }
}
