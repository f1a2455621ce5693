namespace MeshClaw.Host.Gateway;

/// <summary>The gateway could not start; the message says why and <see cref="ExitCode"/> what <c>meshclaw up</c> returns.</summary>
public sealed class GatewayStartException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
