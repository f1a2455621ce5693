using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Host.Configuration;
using MeshClaw.Models.Config;

namespace MeshClaw.Cli.Commands.Init;

/// <summary>
/// What init writes into the home folder: the checked model in config.json (every other setting kept as it was), and a
/// first agent with its workspace. Nothing is overwritten without being asked to, and config.json is replaced only by
/// a file that loads.
/// </summary>
public static class FirstHome
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The config.json as it stands (an empty object when there is none); a file that does not parse stops init.</summary>
    public static JsonObject ReadConfig(MeshClawHome home)
    {
        if (!File.Exists(home.ConfigFile))
        {
            return [];
        }

        try
        {
            ConfigLoader.Load(home.ConfigFile);
            return JsonNode.Parse(File.ReadAllText(home.ConfigFile)) as JsonObject ?? [];
        }
        catch (ConfigException ex)
        {
            throw new ConfigException($"{ex.Message} (init changes nothing until config.json loads again)");
        }
    }

    /// <summary>Adds the model and makes it the default when there is none; returns what it says about the default.</summary>
    public static string SaveModel(MeshClawHome home, JsonObject config, ModelDefinition model)
    {
        var models = config["models"] as JsonObject ?? [];
        config["models"] = models;
        var entry = new JsonObject
        {
            ["kind"] = model.Kind == ModelKind.Anthropic ? "anthropic" : "openai-compatible",
            ["model"] = model.ModelId,
        };
        if (model.BaseUrl is { } url)
        {
            entry["baseUrl"] = url.ToString();
        }

        if (model.ApiKeySecret is { } secret)
        {
            entry["apiKeySecret"] = secret;
        }

        models[model.Name] = entry;
        var current = config["defaultModel"]?.GetValue<string>();
        var note = current is null || !models.ContainsKey(current) ? $"'{model.Name}' is the default model" : $"the default model stays '{current}'";
        if (current is null || !models.ContainsKey(current))
        {
            config["defaultModel"] = model.Name;
        }

        // Written beside, loaded, then moved over the old one: a crash or a refused file leaves config.json as it was.
        var draft = home.ConfigFile + ".init";
        File.WriteAllText(draft, config.ToJsonString(Indented));
        try
        {
            ConfigLoader.Load(draft);
            File.Move(draft, home.ConfigFile, overwrite: true);
        }
        finally
        {
            File.Delete(draft);
        }

        return note;
    }

    /// <summary>Writes agents/NAME.md and its workspace with a first note to ask about; false when the agent already exists.</summary>
    public static bool WriteAgent(MeshClawHome home, string agent, string model)
    {
        var workspace = home.WorkspaceOf(agent);
        Directory.CreateDirectory(workspace);
        var notes = Path.Combine(workspace, "notes.txt");
        if (!File.Exists(notes))
        {
            File.WriteAllText(notes, "Ship the release on Friday.\n");
        }

        var file = Path.Combine(home.Agents, agent + ".md");
        if (File.Exists(file))
        {
            return false;
        }

        File.WriteAllText(file, $"""
            ---
            name: {agent}
            description: Answers questions about the files in its workspace
            model: {model}
            tools: [time.read, files.read]
            budget:
              tokens_per_run: 20000
              max_steps: 8
            ---
            You are a concise assistant. Use the tools when a question needs the time or a file in your workspace.

            """);
        return true;
    }
}
