namespace MeshClaw.Core.Tools;

/// <summary>
/// What looking at the target found for an action whose result was never recorded: the outcome, a note for the
/// journal, and the inverse of what did take effect (a batch cut midway moved some of its messages, and those must
/// go back on undo).
/// </summary>
public sealed record Reconciliation(ReconcileOutcome Outcome, string? Note = null, ToolInverse? Inverse = null);
