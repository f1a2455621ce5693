using MeshClaw.Core.Home;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Brings the schedules up with the gateway: syncs the store with the agent files at start and whenever an agent file
/// (a file watcher on the agents folder) or config.json changes, and holds every trigger while MeshClaw is paused (Quartz's own
/// pause is persisted, so a restart stays paused until resumed; missed slots then fire once, as catch-ups).
/// </summary>
public sealed class SchedulingService(ISchedulerFactory factory, ScheduleSync sync, IPauseSwitch pause, MeshClawHome home, ConfigSource config,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SchedulingService> logger) : BackgroundService
{
    /// <summary>How often config.json is looked at when nothing else asked for it (its time zone moves every schedule).</summary>
    private static readonly TimeSpan ConfigLook = TimeSpan.FromSeconds(5);

    private IScheduler? _scheduler;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Started once the gateway is up: catch-ups and the store's recovery do not hold up the first answer.
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => up.TrySetResult()))
        using (stoppingToken.Register(() => up.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await up.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var scheduler = _scheduler = await factory.GetScheduler(stoppingToken);
        var changed = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        using var agentFiles = Watch(home.Agents, "*.md", () => changed.Writer.TryWrite(true));
        // config.json shares its folder with the database, so it is not watched (every database write would wake the
        // watcher): a change is noticed by whoever reads the config next, or by this look every few seconds.
        void OnConfigChanged() => changed.Writer.TryWrite(true);
        config.Changed += OnConfigChanged;
        using var looks = new PeriodicTimer(ConfigLook, time);
        _ = LookAtConfigAsync(looks, stoppingToken);
        pause.Paused += OnPaused;
        pause.Resumed += OnResumed;
        try
        {
            // Paused (or not) before the scheduler starts, so no caught-up slot fires in between and is lost to the pause.
            await (pause.IsPaused ? scheduler.PauseAll(stoppingToken) : scheduler.ResumeAll(stoppingToken));
            do
            {
                var synced = false;
                try
                {
                    await sync.SyncAsync(stoppingToken);
                    synced = true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad agent file or config edit must not stop every schedule for good: the next change syncs again.
                    logger.LogError("Syncing the schedules failed; the next change to an agent file or config.json tries again: {Error}", ex.Message);
                }

                if (scheduler.Status == SchedulerStatus.Created)
                {
                    await scheduler.Start(stoppingToken);
                }

                if (synced)
                {
                    sync.MarkReady();
                }
            }
            while (await changed.Reader.WaitToReadAsync(stoppingToken) && changed.Reader.TryRead(out _));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            pause.Paused -= OnPaused;
            pause.Resumed -= OnResumed;
            config.Changed -= OnConfigChanged;
        }

        void OnPaused() => _ = scheduler.PauseAll(CancellationToken.None).AsTask();

        void OnResumed() => _ = scheduler.ResumeAll(CancellationToken.None).AsTask();
    }

    private async Task LookAtConfigAsync(PeriodicTimer looks, CancellationToken stoppingToken)
    {
        try
        {
            while (await looks.WaitForNextTickAsync(stoppingToken))
            {
                config.Current();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>Stops syncing, then shuts the scheduler down, letting runs in progress finish (they are cancelled by the host).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_scheduler is { Status: not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) } scheduler)
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }

    private static FileSystemWatcher Watch(string folder, string filter, Action changed)
    {
        Directory.CreateDirectory(folder);
        var watcher = new FileSystemWatcher(folder, filter) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        watcher.Changed += (_, _) => changed();
        watcher.Created += (_, _) => changed();
        watcher.Deleted += (_, _) => changed();
        watcher.Renamed += (_, _) => changed();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
