namespace MeshClaw.Core.Usage;

/// <summary>
/// Who a model call is for. The agent loop sets it around its calls; the metering layer reads it, so every
/// ledger row names its agent, run and trigger without threading them through the IChatClient interface.
/// </summary>
public sealed record ModelCallAttribution(string Agent, string RunId, string Trigger)
{
    private static readonly AsyncLocal<ModelCallAttribution?> CurrentValue = new();

    public static ModelCallAttribution? Current => CurrentValue.Value;

    /// <summary>Sets the attribution for the current async flow until the returned scope is disposed.</summary>
    public static IDisposable Begin(ModelCallAttribution attribution)
    {
        var previous = CurrentValue.Value;
        CurrentValue.Value = attribution;
        return new Scope(previous);
    }

    private sealed class Scope(ModelCallAttribution? previous) : IDisposable
    {
        public void Dispose() => CurrentValue.Value = previous;
    }
}
