using Microsoft.Extensions.Logging;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// The scheduler's own errors (a job store that cannot write on a full disk, say) as one readable line, in place of
/// Quartz's ErrorLogger, which prints the whole stack trace into the gateway's log every time it scans for triggers.
/// </summary>
public sealed partial class SchedulerErrorLog(ILogger<SchedulerErrorLog> log) : ISchedulerListener
{
    public ValueTask SchedulerError(IScheduler scheduler, SchedulerErrorContext errorContext, CancellationToken cancellationToken = default)
    {
        Failed(log, errorContext.Message, errorContext.Exception?.GetBaseException().Message ?? "no cause given");
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the scheduler: {What} ({Cause}); it tries again")]
    private static partial void Failed(ILogger log, string what, string cause);
}
