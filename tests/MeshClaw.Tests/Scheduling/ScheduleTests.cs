using System.Text.Json.Nodes;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Events;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Scheduling;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace MeshClaw.Tests.Scheduling;

/// <summary>
/// Schedules on Quartz with a persistent store, driven by a fake clock: cron fires in the user's time zone, a slot missed
/// while MeshClaw was down runs once at start as a recorded catch-up, events fold into one pending run, pause holds all.
/// </summary>
public sealed class ScheduleTests : IAsyncLifetime
{
    private static readonly JsonObject Berlin = new() { ["timeZone"] = "Europe/Berlin" };
    private static readonly Dictionary<string, string> Morning = new() { ["morning"] = "model: main\ntriggers:\n  - cron: \"0 6 * * *\"" };
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    private static FakeTimeProvider Clock(int hour, int minute) => new(new DateTimeOffset(2026, 11, 30, hour, minute, 0, TimeSpan.Zero));

    private static CancellationToken Within(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>The next run of the agent to end: one that ended already (before the subscription) or the next event.</summary>
    private static async Task<RunRecord> EndedRunAsync(InProcessGateway gateway, EventSubscription events, string agent, Func<RunRecord, bool>? which = null)
    {
        which ??= _ => true;
        var done = (await gateway.Get<IRunStore>().ListAsync(10, agent, default)).FirstOrDefault(r => r.Status != RunStatus.Running && which(r));
        return done ?? (await events.WaitForAsync<RunEnded>(e => e.Run.Agent == agent && which(e.Run), Within())).Run;
    }

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Moves the fake clock on in small steps, as time passes, until a run of the agent ends. One jump could land just
    /// before the scheduler's thread registers its wait for the next slot, which would then wait for a time that never comes.
    /// </summary>
    private static async Task<RunRecord> AdvanceUntilEndedAsync(InProcessGateway gateway, EventSubscription events, string agent, TimeSpan atMost, TimeSpan? step = null)
    {
        var ended = events.WaitForAsync<RunEnded>(e => e.Run.Agent == agent, Within());
        for (var moved = TimeSpan.Zero; moved < atMost && !ended.IsCompleted; moved += step ?? Step)
        {
            gateway.Time.Advance(step ?? Step);
            try
            {
                return (await ended.WaitAsync(TimeSpan.FromMilliseconds(100))).Run;
            }
            catch (TimeoutException)
            {
                // Not yet: the next step.
            }
        }

        return (await ended).Run;
    }

    /// <summary>
    /// The job's triggers once Quartz has settled its last firing. Quartz writes a firing's completion to its store after
    /// the job returns, so after the run's RunEnded event the trigger can still read Executing for a moment; no listener
    /// is told after that write, so this waits on the store's own answer, with a deadline.
    /// </summary>
    private static async Task<IReadOnlyCollection<TriggerHeader>> SettledTriggersAsync(IScheduler scheduler, JobKey job)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var triggers = (await scheduler.QueryTriggers(new TriggerQuery { Job = job }, deadline.Token)).Items;
            if (triggers.All(t => t.State != TriggerState.Executing))
            {
                return triggers;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Quartz did not settle the firing of {job} within 30 s: {string.Join(", ", triggers.Select(t => $"{t.Key} {t.State}"))}");
            }
        }
    }

    [Fact]
    public async Task CronTrigger_FiresOnTheClock_InTheUsersTimeZone()
    {
        _models.For("scripted-main").Reply(ScriptedReply.Text("good morning"));
        // 04:58 UTC is 05:58 in Berlin: the 06:00 run is two minutes away.
        await using var gateway = await InProcessGateway.StartAsync(_models, Morning, Berlin, Clock(4, 58));
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());

        var run = await AdvanceUntilEndedAsync(gateway, events, "morning", TimeSpan.FromMinutes(3));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal((RunTriggerKind.Schedule, "cron 0 6 * * *"), (run.Trigger.Kind, run.Trigger.Detail));
        var slot = new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero);
        Assert.InRange(run.StartedAt, slot, slot + 2 * Step);
    }

    [Fact]
    public async Task BrokenAgentFileBesideIt_NeverStopsAnotherAgentsSchedule()
    {
        _models.For("scripted-main").Reply(ScriptedReply.Text("good morning"));
        // An unclosed '[' followed by another key: YamlDotNet throws InvalidOperationException on it.
        await using var gateway = await InProcessGateway.StartAsync(_models, Morning, Berlin, Clock(4, 58),
            beforeStart: home => File.WriteAllText(Path.Combine(home.Agents, "broken.md"), "---\nname: broken\ndescription: x\ntools: [files.read\nmodel: main\n---\nHi.\n"));
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());

        var run = await AdvanceUntilEndedAsync(gateway, events, "morning", TimeSpan.FromMinutes(3));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Contains(gateway.Get<MeshClaw.Host.Agents.AgentCatalogSource>().Current().Errors, e => e.File.EndsWith("broken.md", StringComparison.Ordinal) && e.Line == 4);
    }

    [Fact]
    public async Task IntervalTrigger_FiresEveryInterval_OnTheClock()
    {
        _models.For("scripted-main").ReplyAlways(ScriptedReply.Text("checked"));
        var agents = new Dictionary<string, string> { ["poller"] = "model: main\ntriggers:\n  - interval: 15m" };
        await using var gateway = await InProcessGateway.StartAsync(_models, agents, time: Clock(9, 0));
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());

        var first = await AdvanceUntilEndedAsync(gateway, events, "poller", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1));
        var second = await AdvanceUntilEndedAsync(gateway, events, "poller", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1));

        Assert.Equal((RunStatus.Succeeded, RunTriggerKind.Schedule, "interval 15m"), (first.Status, first.Trigger.Kind, first.Trigger.Detail));
        var start = Clock(9, 0).GetUtcNow();
        Assert.InRange(first.StartedAt, start.AddMinutes(15), start.AddMinutes(17));
        Assert.InRange(second.StartedAt, start.AddMinutes(30), start.AddMinutes(32));
    }

    [Fact]
    public async Task SlotMissedWhileMeshClawWasDown_RunsOnceAtTheNextStart_RecordedAsCaughtUp()
    {
        _models.For("scripted-main").Reply(ScriptedReply.Text("late but done"));
        var first = await InProcessGateway.StartAsync(_models, Morning, Berlin, Clock(4, 0));
        var home = first.Home;
        await first.Get<ScheduleSync>().Ready.WaitAsync(Within());
        await first.StopAsync();

        // Back at 08:30 Berlin time: the 06:00 slot passed while nothing ran.
        var second = await InProcessGateway.StartAsync(_models, Morning, Berlin, Clock(7, 30), home);
        try
        {
            using var events = second.Get<IEventStream>().Subscribe();
            var run = await EndedRunAsync(second, events, "morning");
            var scheduler = await second.Get<ISchedulerFactory>().GetScheduler();
            var trigger = (await scheduler.QueryTriggers(new TriggerQuery { Job = ScheduleSync.JobOf("morning") })).Items.Single();
            var audit = await second.Get<IAuditReader>().RecentAsync(200, null, default);

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Contains("caught up: due 2026-11-30 05:00 UTC", run.Trigger.Detail, StringComparison.Ordinal);
            Assert.Contains(audit, a => a.Kind == "schedule.caught-up" && a.Data.Contains("morning", StringComparison.Ordinal));
            // Once: the next slot is tomorrow's, nothing else is pending.
            Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), trigger.NextFireTimeUtc);
            Assert.Single(await second.Get<IRunStore>().ListAsync(10, "morning", default));
        }
        finally
        {
            await second.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(home.Root, recursive: true);
        }
    }

    [Fact]
    public async Task EventsWhileTheAgentRuns_FoldIntoOneMoreRun_AndTheAgentNeverRunsTwiceAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _models.For("scripted-main").Reply(ScriptedReply.After(release.Task, ScriptedReply.Text("first"))).Reply(ScriptedReply.Text("second")).Reply(ScriptedReply.Text("third"));
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["watcher"] = "model: main\ntriggers:\n  - event: thing.happened" });
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());
        var raise = gateway.Get<ITriggerEvents>();

        await raise.RaiseAsync("thing.happened", "one", null, default);
        await _models.WaitForRequestAsync(r => r.Model == "scripted-main", TimeSpan.FromSeconds(30));
        await raise.RaiseAsync("thing.happened", "two", null, default);
        await raise.RaiseAsync("thing.happened", "three", null, default);
        release.SetResult();
        var firstRun = (await events.WaitForAsync<RunEnded>(e => e.Run.Agent == "watcher", Within())).Run;
        var secondRun = (await events.WaitForAsync<RunEnded>(e => e.Run.Agent == "watcher", Within())).Run;
        var pending = await SettledTriggersAsync(await gateway.Get<ISchedulerFactory>().GetScheduler(), ScheduleSync.JobOf("watcher"));

        Assert.Equal(("first", "second"), (firstRun.Answer, secondRun.Answer));
        Assert.True(secondRun.StartedAt >= firstRun.EndedAt, "the agent's runs overlapped");
        Assert.Contains("thing.happened: two", secondRun.Trigger.Detail, StringComparison.Ordinal);
        Assert.Empty(pending);
        Assert.Equal(2, _models.For("scripted-main").RequestCount);
    }

    [Fact]
    public async Task Pause_HoldsEverySchedule_AndResumeRunsTheMissedSlotOnce()
    {
        _models.For("scripted-main").Reply(ScriptedReply.Text("after the pause"));
        await using var gateway = await InProcessGateway.StartAsync(_models, Morning, Berlin, Clock(4, 58));
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());
        var pause = gateway.Get<IPauseSwitch>();

        await pause.PauseAsync("user:test", default);
        gateway.Time.Advance(TimeSpan.FromHours(2));
        await pause.ResumeAsync("user:test", default);
        var run = (await events.WaitForAsync<RunEnded>(e => e.Run.Agent == "morning", Within())).Run;

        // Had it fired at 06:00 in spite of the pause, it would not be late.
        Assert.Contains("caught up", run.Trigger.Detail, StringComparison.Ordinal);
        Assert.Single(await gateway.Get<IRunStore>().ListAsync(10, "morning", default));
    }

    [Fact]
    public async Task SystemProcedure_RunsByItselfOnItsInterval_WhenItHasWork()
    {
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>(), Tests.Gateway.SideDoorTests.Mail);
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());
        await Tests.Gateway.SideDoorTests.DeletedAsync(gateway.Get<MeshClaw.Core.Journal.IActionJournal>(), gateway.Time.GetUtcNow().AddDays(-31), "old@example.com");

        // The purge looks every 6 hours; nobody starts it here.
        var run = await AdvanceUntilEndedAsync(gateway, events, QuarantinePurge.AgentName, TimeSpan.FromHours(7), TimeSpan.FromMinutes(30));

        Assert.Equal(RunTriggerKind.System, run.Trigger.Kind);
        // The test's mail server is unreachable: the purge fails visibly rather than pretending.
        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task Dreamer_RunsNightlyAtThreeInTheUsersTimeZone_AsASystemRun()
    {
        var config = new JsonObject { ["timeZone"] = "Europe/Berlin", ["email"] = Tests.Gateway.SideDoorTests.Mail["email"]!.DeepClone() };
        // 01:58 UTC is 02:58 in Berlin: the 03:00 dream is two minutes away.
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>(), config, Clock(1, 58));
        using var events = gateway.Get<IEventStream>().Subscribe();
        await gateway.Get<ScheduleSync>().Ready.WaitAsync(Within());

        var run = await AdvanceUntilEndedAsync(gateway, events, MeshClaw.Connectors.Email.Dreaming.Dreamer.AgentName, TimeSpan.FromMinutes(3));

        Assert.Equal((RunTriggerKind.System, RunStatus.Succeeded), (run.Trigger.Kind, run.Status));
        var slot = new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
        Assert.InRange(run.StartedAt, slot, slot + 2 * Step);
        Assert.Contains("nothing new to propose or retire", run.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dreamer_WhilePaused_DoesNotRun_AndRunsOnceResumed()
    {
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>(), Tests.Gateway.SideDoorTests.Mail);
        var dreamer = gateway.Get<IEnumerable<ISystemProcedure>>().Single(p => p.Agent == MeshClaw.Connectors.Email.Dreaming.Dreamer.AgentName);
        var coordinator = gateway.Get<MeshClaw.Host.Runs.RunCoordinator>();

        await gateway.Get<IPauseSwitch>().PauseAsync("user:test", default);
        var whilePaused = await coordinator.RunSystemAsync(dreamer, default);
        await gateway.Get<IPauseSwitch>().ResumeAsync("user:test", default);
        var resumed = await coordinator.RunSystemAsync(dreamer, "user:test", default);

        Assert.Null(whilePaused);
        Assert.Equal((RunStatus.Succeeded, "dreamer requested by user:test"), (resumed?.Status, resumed?.Input));
    }
}
