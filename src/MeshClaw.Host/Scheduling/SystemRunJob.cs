using MeshClaw.Core.Lifecycle;
using MeshClaw.Host.Runs;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>Runs one of MeshClaw's system procedures (the quarantine purge) as a system run, when it has anything to do.</summary>
[DisallowConcurrentExecution]
public sealed class SystemRunJob(IEnumerable<ISystemProcedure> procedures, RunCoordinator coordinator) : IJob
{
    public const string Group = "system";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (procedures.FirstOrDefault(p => p.Name == context.JobDetail.Key.Name) is { } procedure)
        {
            await coordinator.RunSystemAsync(procedure, cancellationToken);
        }
    }
}
