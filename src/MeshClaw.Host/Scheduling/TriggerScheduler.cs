using System.Collections.Concurrent;
using Cronos;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Runs;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Starts agents on their own: cron triggers in the user's time zone, intervals, and events (new mail, from the
/// mail watcher). One run per agent at a time; nothing starts while MeshClaw is paused.
/// </summary>
public sealed class TriggerScheduler(AgentCatalogSource agents, ConfigSource config, RunCoordinator coordinator, IPauseSwitch pause, TimeProvider time, ILogger<TriggerScheduler> logger)
    : ITriggerEvents
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFired = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _started = time.GetUtcNow();

    /// <summary>Checks every trigger once a tick until the gateway stops.</summary>
    public async Task RunAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    Tick();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad agent file or config edit must not stop every schedule for good.
                    logger.LogError("Checking the schedules failed; trying again next tick: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public void Tick()
    {
        if (pause.IsPaused)
        {
            return;
        }

        var now = time.GetUtcNow();
        var zone = config.Current().Config.Policy.TimeZone;
        foreach (var agent in agents.Current().Agents)
        {
            foreach (var trigger in agent.Triggers)
            {
                var last = _lastFired.GetValueOrDefault(Key(agent, trigger), _started);
                var due = trigger.Kind switch
                {
                    AgentTriggerKind.Interval => IntervalParser.TryParse(trigger.Value) is { } every && now - last >= every,
                    AgentTriggerKind.Cron => NextCron(trigger.Value, last, zone) is { } next && next <= now,
                    _ => false,
                };
                if (due)
                {
                    _lastFired[Key(agent, trigger)] = now;
                    Start(agent, RunOrigin.Scheduled($"{trigger.Kind.ToString().ToLowerInvariant()} {trigger.Value}"), "scheduled run");
                }
            }
        }
    }

    public Task RaiseAsync(string eventName, string detail, TriggerContent? content, CancellationToken cancellationToken)
    {
        Raise(eventName, detail);
        return Task.CompletedTask;
    }

    /// <summary>An event happened (e.g. email.received): start every agent that listens for it.</summary>
    public void Raise(string eventName, string detail)
    {
        if (pause.IsPaused)
        {
            return;
        }

        foreach (var agent in agents.Current().Agents.Where(a => a.Triggers.Any(t => t.Kind == AgentTriggerKind.Event && t.Value == eventName)))
        {
            Start(agent, RunOrigin.Event($"{eventName}: {detail}"), $"{eventName}: {detail}");
        }
    }

    private void Start(AgentDefinition agent, RunOrigin trigger, string message)
    {
        if (_running.TryGetValue(agent.Name, out var busy) && !busy.IsCompleted)
        {
            return;
        }

        _running[agent.Name] = Task.Run(async () =>
        {
            try
            {
                var request = await coordinator.PrepareAsync(agent.Name, message, trigger, null, false, null, CancellationToken.None);
                await coordinator.RunAsync(request, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning("Agent {Agent} did not run for {Trigger}: {Error}", agent.Name, trigger.Trigger, ex.Message);
            }
        });
    }

    private static DateTimeOffset? NextCron(string expression, DateTimeOffset after, TimeZoneInfo zone)
    {
        try
        {
            var format = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            return CronExpression.Parse(expression, format).GetNextOccurrence(after, zone);
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    private static string Key(AgentDefinition agent, AgentTrigger trigger) => $"{agent.Name}|{trigger.Kind}|{trigger.Value}";

}
