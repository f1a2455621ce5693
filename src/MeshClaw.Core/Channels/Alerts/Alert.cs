namespace MeshClaw.Core.Channels.Alerts;

/// <summary>How soon the user must hear of an alert: urgent ones go out at once, even during a meeting.</summary>
public enum AlertUrgency
{
    Normal,
    Urgent,
}

/// <summary>
/// Something a monitor wants the user to know. <paramref name="Key"/> makes it idempotent (the same alert raised twice,
/// after a restart say, is told once); <paramref name="Subject"/> is one line, <paramref name="Text"/> the whole diagnosis.
/// </summary>
public sealed record Alert(string Key, AlertUrgency Urgency, string Subject, string Text, DateTimeOffset At);
