using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Configuration;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>
/// Sets one value of config.json by its dotted path; the result must still load. Agents may change only what models
/// MeshClaw uses, their prices, the time zone and budgets (asked); policy, audit, allow-lists, connections, the
/// address the API listens on and telemetry are the user's, and no approval lets an agent change them.
/// </summary>
public sealed class UpdateConfigTool(MeshClawHome home) : HomeFileEditTool(home)
{
    private static readonly string[] AgentsMayChange = ["defaultModel", "models", "prices", "timeZone", "budgets"];

    public override string Name => "update_config";
    public override string Capability => "meshclaw.config";
    public override string Description => "Sets one value in MeshClaw's config.json under defaultModel, models, prices, timeZone or budgets, e.g. path 'defaultModel' value 'local'.";

    public override JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"path":{"type":"string"},"value":{}},"required":["path","value"],"additionalProperties":false}
        """).RootElement;

    protected override string? Refusal(JsonElement arguments)
    {
        var section = ToolArguments.RequiredString(arguments, "path").Split('.', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return AgentsMayChange.Contains(section, StringComparer.Ordinal)
            ? null
            : $"'{section}' in config.json is the user's to change (policy, audit, allow-lists, connections, the listening address and telemetry never change from an agent); agents may change only {string.Join(", ", AgentsMayChange)}";
    }

    protected override (string File, string Content) Edit(JsonElement arguments)
    {
        var path = ToolArguments.RequiredString(arguments, "path");
        if (!arguments.TryGetProperty("value", out var value))
        {
            throw new ToolArgumentException("the argument 'value' is required");
        }

        var root = (File.Exists(Home.ConfigFile) ? JsonNode.Parse(File.ReadAllText(Home.ConfigFile), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip }) : null) as JsonObject ?? [];
        var parts = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ToolArgumentException("the path is empty");
        }

        var node = root;
        foreach (var part in parts[..^1])
        {
            node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
        }

        node[parts[^1]] = JsonNode.Parse(value.GetRawText());
        var content = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        try
        {
            ConfigLoader.Parse(content, Home.ConfigFile);
        }
        catch (ConfigException ex)
        {
            throw new ToolArgumentException($"the change would break config.json: {ex.Message}");
        }

        return ("config.json", content);
    }
}
