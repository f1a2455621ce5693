using System.Text.Json;

namespace MeshClaw.Core.Policy;

/// <summary>
/// Allows calls of one agent and capability whose arguments carry exactly the given values, e.g.
/// <c>{"from":"news@example.com","folder":"Newsletters"}</c>. Arguments not named are free.
/// </summary>
public sealed record StandingRule(long Id, string Agent, string Capability, JsonElement Match, DateTimeOffset CreatedAt)
{
    public bool Matches(string agent, string capability, JsonElement arguments)
    {
        if (agent != Agent || capability != Capability || arguments.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var expected in Match.EnumerateObject())
        {
            if (!arguments.TryGetProperty(expected.Name, out var actual) || !JsonElement.DeepEquals(actual, expected.Value))
            {
                return false;
            }
        }

        return true;
    }
}
