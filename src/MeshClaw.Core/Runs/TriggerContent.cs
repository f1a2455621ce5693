namespace MeshClaw.Core.Runs;

/// <summary>
/// Content that came with a trigger from outside the user (a mail, a Slack message, a webhook body, an attached file):
/// wrapped as untrusted data before a model sees it, and it taints the run from its first step.
/// </summary>
public sealed record TriggerContent(string Source, string Text);
