namespace MeshClaw.Connectors.Shell;

/// <summary>Whether the sandbox works on this machine: the bwrap program found, and what happened when it ran <c>true</c>.</summary>
public sealed record SandboxStatus(bool Works, string Program, string Detail);
