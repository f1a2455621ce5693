namespace MeshClaw.Models.Providers;

/// <summary>
/// A model endpoint answered 2xx with something that is not the protocol, or cut its reply off. Raised at the HTTP
/// layer, like <see cref="ModelProviderException"/>, so the run's reason says what came back in words rather than as
/// an SDK's parse error. A <see cref="ModelReplyFault.Truncated"/> reply is retried like a 5xx.
/// </summary>
public sealed class ModelReplyException(string model, ModelReplyFault fault, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Model { get; } = model;
    public ModelReplyFault Fault { get; } = fault;
}
