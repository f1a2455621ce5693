using System.Net;

namespace MeshClaw.Models.Providers;

/// <summary>
/// A provider answered with an HTTP error. Raised at the HTTP layer so every SDK fails the same way,
/// with the status and Retry-After the retry and failover layers need.
/// </summary>
public sealed class ModelProviderException(string model, HttpStatusCode status, TimeSpan? retryAfter, string message)
    : Exception($"model '{model}' answered HTTP {(int)status} {status}: {message}")
{
    public string Model { get; } = model;
    public HttpStatusCode Status { get; } = status;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
