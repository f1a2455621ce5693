using System.Text.Json;

namespace MeshClaw.Core.Policy;

/// <summary>Narrow rules the user created while approving ("always allow this exact kind of call").</summary>
public interface IStandingRules
{
    StandingRule? Match(string agent, string capability, JsonElement arguments);
}
