using MeshClaw.Core.Runs;

namespace MeshClaw.Core.Tools;

/// <summary>Where and for whom a tool call runs.</summary>
public sealed record ToolContext(string Agent, RunId Run, string Workspace, TimeProvider Time);
