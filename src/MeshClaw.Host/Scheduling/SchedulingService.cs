using MeshClaw.Core.Home;
using MeshClaw.Core.Policy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Brings the schedules up with the gateway: syncs the store with the agent files at start and whenever an agent file
/// or config.json changes (a file watcher, not a poll), and holds every trigger while MeshClaw is paused (Quartz's own
/// pause is persisted, so a restart stays paused until resumed; missed slots then fire once, as catch-ups).
/// </summary>
public sealed class SchedulingService(ISchedulerFactory factory, ScheduleSync sync, IPauseSwitch pause, MeshClawHome home, ILogger<SchedulingService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scheduler = await factory.GetScheduler(stoppingToken);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.ListenerManager.AddSchedulerListener(new StartedListener(started));
        if (scheduler.Status == SchedulerStatus.Running)
        {
            started.TrySetResult();
        }

        var changed = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        using var agentFiles = Watch(home.Agents, "*.md", () => changed.Writer.TryWrite(true));
        using var configFile = Watch(home.Root, "config.json", () => changed.Writer.TryWrite(true));
        pause.Paused += OnPaused;
        pause.Resumed += OnResumed;
        try
        {
            await (pause.IsPaused ? scheduler.PauseAll(stoppingToken) : scheduler.ResumeAll(stoppingToken));
            do
            {
                try
                {
                    await sync.SyncAsync(stoppingToken);
                    if (!sync.Ready.IsCompleted)
                    {
                        _ = started.Task.ContinueWith(_ => sync.MarkReady(), TaskScheduler.Default);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad agent file or config edit must not stop every schedule for good: the next change syncs again.
                    logger.LogError("Syncing the schedules failed; the next change to an agent file or config.json tries again: {Error}", ex.Message);
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
        }

        void OnPaused() => _ = scheduler.PauseAll(CancellationToken.None).AsTask();

        void OnResumed() => _ = scheduler.ResumeAll(CancellationToken.None).AsTask();
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

    private sealed class StartedListener(TaskCompletionSource started) : ISchedulerListener
    {
        public ValueTask SchedulerStarted(IScheduler scheduler, CancellationToken cancellationToken = default)
        {
            started.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
