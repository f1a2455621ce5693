using MeshClaw.Core.Home;
using MeshClaw.Core.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Quartz.NET as MeshClaw's scheduler, with its persistent job store on the embedded SQLite (scheduler.db in the home
/// folder, beside meshclaw.db; a cluster switches to the clustered store on PostgreSQL). The clock is the container's
/// TimeProvider, so a test's fake clock drives cron firing and misfires too.
/// </summary>
public static class SchedulingServices
{
    public static IServiceCollection AddMeshClawScheduling(this IServiceCollection services, MeshClawHome home)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "meshclaw");
            q.UsePersistentStore(store =>
            {
                store.UseSqlite($"Data Source={Path.Combine(home.Root, "scheduler.db")};Default Timeout=30");
                store.ProvisionSchema();
            });
            q.AddSchedulerListener<SchedulerErrorLog>();
        });
        // No QuartzHostedService: SchedulingService creates and starts the scheduler once the gateway answers, so the
        // job store's start-up (about 100 ms here) is off the path to a ready gateway, and shuts it down with the host.
        services.AddSingleton<ScheduleSync>();
        services.AddSingleton<ITriggerEvents, QuartzTriggerEvents>();
        services.AddHostedService<SchedulingService>();
        return services;
    }
}
