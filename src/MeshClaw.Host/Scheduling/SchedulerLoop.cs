using MeshClaw.Host.Configuration;
using Microsoft.Extensions.Hosting;

namespace MeshClaw.Host.Scheduling;

/// <summary>Checks the agents' schedules every tick while the gateway runs.</summary>
public sealed class SchedulerLoop(TriggerScheduler scheduler, ConfigSource config) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => scheduler.RunAsync(config.Current().Config.SchedulerTick, stoppingToken);
}
