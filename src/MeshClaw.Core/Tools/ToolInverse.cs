using System.Text.Json;

namespace MeshClaw.Core.Tools;

/// <summary>The tool call that undoes an action.</summary>
public sealed record ToolInverse(string Tool, JsonElement Arguments);
