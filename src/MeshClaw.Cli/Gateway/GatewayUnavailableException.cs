namespace MeshClaw.Cli.Gateway;

/// <summary>The CLI cannot reach the gateway or was refused; the message says what to do.</summary>
public sealed class GatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
