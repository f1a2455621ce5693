namespace MeshClaw.Host.Runs;

/// <summary>A run could not start (unknown agent, no model configured); the message tells the user what to do.</summary>
public sealed class RunStartException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
