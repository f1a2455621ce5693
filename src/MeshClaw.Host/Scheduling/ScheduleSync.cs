using MeshClaw.Core.Agents;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Configuration;
using Microsoft.Extensions.Logging;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Keeps Quartz's persistent store in step with the agent files and config.json: a durable job per agent, a trigger
/// per cron or interval trigger of the file (in the user's time zone), one job per system procedure (every few hours, or
/// daily at a time in the user's time zone). Triggers that are
/// already stored are kept as they are, so a slot missed while MeshClaw was down is still there to be caught up.
/// </summary>
public sealed class ScheduleSync(ISchedulerFactory factory, AgentCatalogSource agents, ConfigSource config, IEnumerable<ISystemProcedure> procedures,
    IAuditLog audit, TimeProvider time, ILogger<ScheduleSync> logger) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the store has been synced and the scheduler runs: from then on triggers fire on the clock.</summary>
    public Task Ready => _ready.Task;

    internal void MarkReady() => _ready.TrySetResult();

    public static JobKey JobOf(string agent) => new(agent, AgentRunJob.Group);

    /// <summary>The trigger group of system procedures that run once a day (the dreamer).</summary>
    public const string DailyGroup = "system:daily";

    public void Dispose() => _lock.Dispose();

    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var scheduler = await factory.GetScheduler(cancellationToken);
            var zone = config.Current().Config.Policy.TimeZone;
            var catalog = agents.Current();
            var wanted = new Dictionary<TriggerKey, ITrigger>();
            foreach (var agent in catalog.Agents)
            {
                await EnsureJobAsync(scheduler, agent.Name, cancellationToken);
                foreach (var trigger in agent.Triggers.Where(t => t.Kind != AgentTriggerKind.Event))
                {
                    if (await BuildAsync(agent, trigger, zone) is { } built)
                    {
                        wanted[built.Key] = built;
                    }
                }
            }

            foreach (var header in (await scheduler.QueryTriggers(new TriggerQuery(), cancellationToken)).Items.Where(h => h.Key.Group.StartsWith("schedule:", StringComparison.Ordinal)))
            {
                if (!wanted.ContainsKey(header.Key))
                {
                    await scheduler.UnscheduleJob(header.Key, cancellationToken);
                }
            }

            foreach (var (key, trigger) in wanted)
            {
                if (!await scheduler.Exists(key, cancellationToken))
                {
                    await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
                }
            }

            foreach (var job in (await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(AgentRunJob.Group) }, cancellationToken)).Items)
            {
                if (catalog.Find(job.Key.Name) is null)
                {
                    await scheduler.DeleteJob(job.Key, cancellationToken);
                }
            }

            var daily = new HashSet<TriggerKey>();
            foreach (var procedure in procedures)
            {
                var key = new JobKey(procedure.Name, SystemRunJob.Group);
                if (procedure.DailyAt is { } at)
                {
                    // Like an agent's cron trigger, the zone is part of the identity: a new zone makes a new trigger.
                    var trigger = new TriggerKey($"{procedure.Name} {at.Hour}:{at.Minute:D2} @{zone.Id}", DailyGroup);
                    daily.Add(trigger);
                    if (!await scheduler.Exists(trigger, cancellationToken))
                    {
                        await EnsureSystemJobAsync(scheduler, key, cancellationToken);
                        await scheduler.ScheduleJob(TriggerBuilder.Create(time).WithIdentity(trigger).ForJob(key)
                            .WithCronSchedule($"0 {at.Minute} {at.Hour} * * ?", c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)).Build(),
                            cancellationToken: cancellationToken);
                    }

                    continue;
                }

                var every = new TriggerKey(procedure.Name, "system:every");
                if (!await scheduler.Exists(every, cancellationToken))
                {
                    await scheduler.ScheduleJob(JobBuilder.Create<SystemRunJob>().WithIdentity(key).StoreDurably().Build(),
                        TriggerBuilder.Create(time).WithIdentity(every).ForJob(key).StartNow()
                            .WithSimpleSchedule(s => s.WithInterval(procedure.Every).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build(),
                        cancellationToken: cancellationToken);
                }
            }

            foreach (var header in (await scheduler.QueryTriggers(new TriggerQuery(), cancellationToken)).Items.Where(h => h.Key.Group == DailyGroup && !daily.Contains(h.Key)))
            {
                await scheduler.UnscheduleJob(header.Key, cancellationToken);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Makes sure the agent's durable job exists (events fire it before a sync may have seen a new agent file).</summary>
    public async Task EnsureJobAsync(IScheduler scheduler, string agent, CancellationToken cancellationToken)
    {
        if (!await scheduler.Exists(JobOf(agent), cancellationToken))
        {
            await scheduler.AddJob(JobBuilder.Create<AgentRunJob>().WithIdentity(JobOf(agent)).StoreDurably().UsingJobData(AgentRunJob.AgentKey, agent).Build(), cancellationToken: cancellationToken);
        }
    }

    private static async Task EnsureSystemJobAsync(IScheduler scheduler, JobKey key, CancellationToken cancellationToken)
    {
        if (!await scheduler.Exists(key, cancellationToken))
        {
            await scheduler.AddJob(JobBuilder.Create<SystemRunJob>().WithIdentity(key).StoreDurably().Build(), cancellationToken: cancellationToken);
        }
    }

    private async Task<ITrigger?> BuildAsync(AgentDefinition agent, AgentTrigger trigger, TimeZoneInfo zone)
    {
        // The zone is part of the identity: when the user changes it, the triggers are made anew in the new zone.
        var key = new TriggerKey($"{trigger.Kind.ToString().ToLowerInvariant()} {trigger.Value} @{zone.Id}", "schedule:" + agent.Name);
        var detail = $"{trigger.Kind.ToString().ToLowerInvariant()} {trigger.Value}";
        var builder = TriggerBuilder.Create(time).WithIdentity(key).ForJob(JobOf(agent.Name))
            .UsingJobData(AgentRunJob.KindKey, RunTriggerKind.Schedule.Text()).UsingJobData(AgentRunJob.DetailKey, detail);
        switch (trigger.Kind)
        {
            case AgentTriggerKind.Cron when QuartzCron.Convert(trigger.Value, out var problem) is { } cron:
                // Missed slots (down, paused) fire once, then the schedule goes on.
                return builder.WithCronSchedule(cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)).Build();
            case AgentTriggerKind.Cron:
                await ReportAsync(agent, trigger, QuartzCron.Convert(trigger.Value, out var why) ?? why ?? "not valid cron");
                return null;
            case AgentTriggerKind.Interval when IntervalParser.TryParse(trigger.Value) is { } every:
                return builder.StartAt(time.GetUtcNow() + every)
                    .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
            default:
                await ReportAsync(agent, trigger, $"'{trigger.Value}' is not an interval such as 30s, 15m, 2h or 1d");
                return null;
        }
    }

    /// <summary>A trigger that cannot be scheduled is said once, in the log and the audit log, never skipped in silence.</summary>
    private async Task ReportAsync(AgentDefinition agent, AgentTrigger trigger, string problem)
    {
        if (_reported.Add($"{agent.Name}|{trigger.Kind}|{trigger.Value}"))
        {
            logger.LogError("Agent {Agent}: its {Kind} trigger cannot be scheduled: {Problem} ({File})", agent.Name, trigger.Kind, problem, agent.SourcePath);
            await audit.AppendAsync(new AuditEvent("schedule.invalid", "scheduler", null, new { agent = agent.Name, trigger = trigger.Value, problem, file = agent.SourcePath }), CancellationToken.None);
        }
    }
}
