using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Core.Tools;
using MeshClaw.Host.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Core.Configuration;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>Sets one value of config.json by its dotted path (policy, models, audit...); the result must still load.</summary>
public sealed class UpdateConfigTool(MeshClawHome home) : HomeFileEditTool(home)
{
    public override string Name => "update_config";
    public override string Capability => "meshclaw.config";
    public override string Description => "Sets one value in MeshClaw's config.json, e.g. path 'policy.bulkLimitPerRun' value 50.";

    public override JsonElement ParametersSchema { get; } = JsonDocument.Parse("""
        {"type":"object","properties":{"path":{"type":"string"},"value":{}},"required":["path","value"],"additionalProperties":false}
        """).RootElement;

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
