using System.Text.Json;

namespace MeshClaw.Core.Loop;

/// <summary>
/// Spots a model going round in circles: the same tool called with the same arguments again and again
/// within one run. Argument order does not matter.
/// </summary>
public sealed class LoopDetector(int maxRepeats)
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    /// <summary>Counts the call; true when it has now been made more than <c>maxRepeats</c> times.</summary>
    public bool IsLooping(string tool, IDictionary<string, object?>? arguments)
    {
        var key = tool + "\n" + Canonical(arguments);
        var count = _seen[key] = _seen.GetValueOrDefault(key) + 1;
        return count > maxRepeats;
    }

    private static string Canonical(IDictionary<string, object?>? arguments) =>
        arguments is null
            ? ""
            : JsonSerializer.Serialize(new SortedDictionary<string, object?>(arguments, StringComparer.Ordinal));
}
