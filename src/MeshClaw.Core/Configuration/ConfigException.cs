namespace MeshClaw.Core.Configuration;

/// <summary>config.json is wrong; the message names the file, the field (and the line, for syntax errors).</summary>
public sealed class ConfigException(string message) : Exception(message);
