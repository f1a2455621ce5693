namespace MeshClaw.Core.Policy;

/// <summary>How many items an agent changed per capability recently (from the action journal).</summary>
public interface IActionRates
{
    ValueTask<int> ChangedSinceAsync(string agent, string capability, DateTimeOffset since, CancellationToken cancellationToken);
}
