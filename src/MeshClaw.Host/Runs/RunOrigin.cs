using MeshClaw.Core.Runs;

namespace MeshClaw.Host.Runs;

/// <summary>
/// Who started a run and whether a person is watching it. Built by the server from what it knows (the authenticated
/// caller, the scheduler, an event), never taken from the request's own words.
/// </summary>
public sealed record RunOrigin(RunTrigger Trigger, bool Interactive)
{
    public static RunOrigin Scheduled(string detail) => new(new RunTrigger(RunTriggerKind.Schedule, detail), Interactive: false);

    public static RunOrigin Event(string detail) => new(new RunTrigger(RunTriggerKind.Event, detail), Interactive: false);

    public static RunOrigin System(string detail) => new(new RunTrigger(RunTriggerKind.System, detail), Interactive: false);
}
