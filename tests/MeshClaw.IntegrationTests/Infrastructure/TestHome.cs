using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>A throw-away MeshClaw home folder with config.json and agent files written by the test.</summary>
public sealed class TestHome : IDisposable
{
    private readonly JsonObject _models = [];
    private readonly JsonObject _extra = [];

    public TestHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "meshclaw-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Root, "agents"));
    }

    public string Root { get; }
    public string AgentsFolder => Path.Combine(Root, "agents");

    public TestHome OpenAIModel(string name, Uri baseUrl, string modelId, params string[] fallbacks) =>
        Model(name, new JsonObject { ["kind"] = "openai-compatible", ["baseUrl"] = baseUrl.ToString(), ["model"] = modelId, ["timeoutSeconds"] = 20 }, fallbacks);

    public TestHome AnthropicModel(string name, Uri baseUrl, string modelId, params string[] fallbacks) =>
        Model(name, new JsonObject { ["kind"] = "anthropic", ["baseUrl"] = baseUrl.ToString(), ["model"] = modelId, ["timeoutSeconds"] = 20 }, fallbacks);

    private TestHome Model(string name, JsonObject model, string[] fallbacks)
    {
        if (fallbacks.Length > 0)
        {
            model["fallbacks"] = new JsonArray([.. fallbacks.Select(f => (JsonNode)f)]);
        }

        _models[name] = model;
        WriteConfig();
        return this;
    }

    private void WriteConfig()
    {
        var config = (JsonObject)_extra.DeepClone();
        foreach (var (key, value) in new JsonObject
        {
            ["models"] = _models.DeepClone(),
            ["prices"] = new JsonObject
            {
                ["scripted"] = new JsonObject { ["inputPerMillion"] = 1000m, ["outputPerMillion"] = 2000m, ["cachedInputPerMillion"] = 100m },
            },
        })
        {
            config[key] = value?.DeepClone();
        }

        File.WriteAllText(Path.Combine(Root, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Sets a top-level config.json section besides models and prices (policy, web, shell, audit...).</summary>
    public TestHome Config(string key, JsonNode value)
    {
        _extra[key] = value;
        WriteConfig();
        return this;
    }

    public TestHome Agent(string name, string frontMatterExtra = "", string instructions = "You are a careful test agent.")
    {
        File.WriteAllText(Path.Combine(AgentsFolder, name + ".md"), $"---\nname: {name}\ndescription: test agent {name}\n{frontMatterExtra}\n---\n{instructions}\n");
        return this;
    }

    public TestHome RawAgentFile(string fileName, string content)
    {
        File.WriteAllText(Path.Combine(AgentsFolder, fileName), content);
        return this;
    }

    public string Workspace(string agent)
    {
        var path = Path.Combine(Root, "workspaces", agent);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS cleans temp.
        }
    }
}
