namespace MeshClaw.Core.Runs;

/// <summary>
/// The kinds of trigger. Whether a run is interactive (a person watching it) is not read from the kind: it follows
/// from the authenticated caller and is carried by the run request.
/// </summary>
public enum RunTriggerKind
{
    /// <summary>The owner's terminal (<c>meshclaw run</c>).</summary>
    Cli,
    /// <summary>A chat session (CLI chat, the dashboard).</summary>
    Chat,
    /// <summary>A program using the HTTP API.</summary>
    Api,
    /// <summary>A cron or interval trigger of the agent.</summary>
    Schedule,
    /// <summary>An event the agent listens for (new mail, a webhook).</summary>
    Event,
    /// <summary>Delegated by another run.</summary>
    Subagent,
    /// <summary>MeshClaw's own background work (the quarantine purge).</summary>
    System,
}

public static class RunTriggerKinds
{
    public static string Text(this RunTriggerKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Reads a stored kind; rows from before the enum (or unknown words) read as an API trigger.</summary>
    public static RunTriggerKind Parse(string text) =>
        Enum.TryParse<RunTriggerKind>(text, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : RunTriggerKind.Api;
}
