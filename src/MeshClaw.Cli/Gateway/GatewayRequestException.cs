namespace MeshClaw.Cli.Gateway;

/// <summary>The gateway answered with an error for this request (unknown agent, no model, bad input).</summary>
public sealed class GatewayRequestException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
