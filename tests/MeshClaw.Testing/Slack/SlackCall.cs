using System.Text.Json.Nodes;

namespace MeshClaw.Testing.Slack;

/// <summary>One Web API request the fake Slack server received: the method, the bearer token and the arguments (form or JSON).</summary>
public sealed record SlackCall(string Method, string? Token, JsonObject Arguments)
{
    public string? Arg(string name) => Arguments[name]?.GetValue<string>();
}
