using MeshClaw.Core.Agents;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Agents;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// Events as triggered jobs: every agent listening for the event gets a one-shot trigger on its job. The trigger has a
/// fixed name per agent and event, so events that arrive while one is still pending are folded into it (ten new mails
/// while triage runs make one more triage, not ten), and the agent's job never runs twice at once.
/// </summary>
public sealed class QuartzTriggerEvents(ISchedulerFactory factory, ScheduleSync sync, AgentCatalogSource agents, IPauseSwitch pause, TimeProvider time) : ITriggerEvents
{
    public async Task RaiseAsync(string eventName, string detail, TriggerContent? content, CancellationToken cancellationToken)
    {
        if (pause.IsPaused)
        {
            return;
        }

        var scheduler = await factory.GetScheduler(cancellationToken);
        foreach (var agent in agents.Current().Agents.Where(a => a.Triggers.Any(t => t.Kind == AgentTriggerKind.Event && t.Value == eventName)))
        {
            await sync.EnsureJobAsync(scheduler, agent.Name, cancellationToken);
            var trigger = TriggerBuilder.Create(time).WithIdentity(eventName, "event:" + agent.Name).ForJob(ScheduleSync.JobOf(agent.Name)).StartNow()
                .UsingJobData(AgentRunJob.KindKey, RunTriggerKind.Event.Text()).UsingJobData(AgentRunJob.DetailKey, $"{eventName}: {detail}")
                .UsingJobData(AgentRunJob.MessageKey, $"{eventName}: {detail}");
            if (content is not null)
            {
                trigger = trigger.UsingJobData(AgentRunJob.ContentSourceKey, content.Source).UsingJobData(AgentRunJob.ContentTextKey, content.Text);
            }

            await scheduler.ScheduleTrigger(trigger.Build(), TriggerConflict.Keep, cancellationToken);
        }
    }
}
