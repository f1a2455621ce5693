using MeshClaw.Core.Lifecycle;
using MeshClaw.Host.Runs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Scheduling;

/// <summary>Runs MeshClaw's system procedures (the quarantine purge) at start and then every interval each asks for.</summary>
public sealed class SystemJobRunner(IEnumerable<ISystemProcedure> procedures, RunCoordinator coordinator, TimeProvider time, ILogger<SystemJobRunner> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(procedures.Select(p => RunEveryAsync(p, stoppingToken)));

    private async Task RunEveryAsync(ISystemProcedure procedure, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(procedure.Every, time);
        try
        {
            do
            {
                try
                {
                    await coordinator.RunSystemAsync(procedure, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("The system procedure {Procedure} failed: {Error}", procedure.Name, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
