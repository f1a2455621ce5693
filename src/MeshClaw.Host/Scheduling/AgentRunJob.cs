using MeshClaw.Core.Audit;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Runs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace MeshClaw.Host.Scheduling;

/// <summary>
/// One durable job per agent: every schedule and every event of the agent fires it, and never two at once (its
/// triggers queue). A firing that comes late because MeshClaw was down or paused runs once and says it is a catch-up.
/// A run that cannot start is recorded, never dropped without a word.
/// </summary>
[DisallowConcurrentExecution]
public sealed class AgentRunJob(RunCoordinator coordinator, IAuditLog audit, ILogger<AgentRunJob> logger) : IJob
{
    public const string Group = "agents";
    public const string AgentKey = "agent";
    public const string KindKey = "kind";
    public const string DetailKey = "detail";
    public const string MessageKey = "message";
    public const string ContentSourceKey = "contentSource";
    public const string ContentTextKey = "contentText";

    /// <summary>Later than this after its slot, a firing is a catch-up (Quartz's own misfire threshold).</summary>
    private static readonly TimeSpan Late = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var agent = data.GetString(AgentKey) ?? context.JobDetail.Key.Name;
        var detail = data.GetString(DetailKey) ?? "scheduled";
        var isEvent = data.GetString(KindKey) is { } kind && RunTriggerKinds.Parse(kind) == RunTriggerKind.Event;
        if (!isEvent && context.ScheduledFireTimeUtc is { } due && context.FireTimeUtc - due > Late)
        {
            detail += $" (caught up: due {due.UtcDateTime:yyyy-MM-dd HH:mm} UTC, missed while MeshClaw was not running or paused)";
            await audit.AppendAsync(new AuditEvent("schedule.caught-up", "scheduler", null, new { agent, due, firedAt = context.FireTimeUtc }), CancellationToken.None);
        }

        var origin = isEvent ? RunOrigin.Event(detail) : RunOrigin.Scheduled(detail);
        var content = data.GetString(ContentTextKey) is { Length: > 0 } text ? new TriggerContent(data.GetString(ContentSourceKey) ?? "event", text) : null;
        try
        {
            var request = await coordinator.PrepareAsync(agent, data.GetString(MessageKey) ?? "scheduled run", origin, null, false, content, cancellationToken);
            await coordinator.RunAsync(request, cancellationToken);
        }
        catch (RunStartException ex)
        {
            // Paused, the agent file broken, no model: the firing is recorded as held, with why.
            logger.LogWarning("Agent {Agent} did not run for {Trigger}: {Error}", agent, origin.Trigger, ex.Message);
            await audit.AppendAsync(new AuditEvent("schedule.held", "scheduler", null, new { agent, trigger = origin.Trigger.ToString(), reason = ex.Message }), CancellationToken.None);
        }
    }
}
