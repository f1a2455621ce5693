namespace MeshClaw.Core.Tools;

/// <summary>The model's arguments do not fit the tool; the message goes back to the model.</summary>
public sealed class ToolArgumentException(string message) : Exception(message);
