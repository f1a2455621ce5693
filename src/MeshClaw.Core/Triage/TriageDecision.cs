namespace MeshClaw.Core.Triage;

/// <summary>
/// How one message was triaged: its category, what decided it (a rule or the model), why, and where it went.
/// <paramref name="Quiet"/>: the message showed no sign of wanting attention, so a sender's habit may be learned from it.
/// </summary>
public sealed record TriageDecision(
    string Account, string MessageId, string Sender, string Subject, string Category, string Source, string Reason, string? Folder, string RunId, string Agent, DateTimeOffset At, string? ListId = null, bool Quiet = true);
