namespace MeshClaw.Core.Agents;

/// <summary>When an agent runs on its own: a cron expression in the user's time zone, an interval, or a named event.</summary>
public sealed record AgentTrigger(AgentTriggerKind Kind, string Value);

public enum AgentTriggerKind
{
    Cron,
    Interval,
    Event,
}
