using Microsoft.Extensions.AI;

namespace MeshClaw.Core.Usage;

/// <summary>
/// Carries the metering layer's cost of a call back to its caller inside the response's usage details,
/// so the loop's budget sees exactly what the ledger recorded.
/// </summary>
public static class UsageCost
{
    private const string Key = "meshclaw.cost.nanos";

    public static void Attach(UsageDetails usage, decimal cost)
    {
        usage.AdditionalCounts ??= [];
        usage.AdditionalCounts[Key] = (long)(cost * 1_000_000_000m);
    }

    public static decimal Read(UsageDetails? usage) =>
        usage?.AdditionalCounts is { } counts && counts.TryGetValue(Key, out var nanos) ? nanos / 1_000_000_000m : 0m;
}
