namespace MeshClaw.Connectors.Email.Triage;

/// <summary>A category for one message and why: the rule that decided it (zero tokens) or the model.</summary>
public sealed record TriageVerdict(string Category, string Source, string Reason, string? Reply = null);
