using MeshClaw.Core.Configuration;
using MeshClaw.Host.Configuration;
using MeshClaw.Models.Config;

namespace MeshClaw.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("meshclaw-config").FullName, "config.json");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    private MeshClawConfig Load(string json)
    {
        File.WriteAllText(_file, json);
        return ConfigLoader.Load(_file);
    }

    [Fact]
    public void ModelsWithFallbacks_AndPrices_AreRead()
    {
        var config = Load("""
            {
              // comments are allowed
              "port": 7790,
              "defaultModel": "local",
              "models": {
                "local": { "kind": "openai-compatible", "baseUrl": "http://127.0.0.1:11434/v1", "model": "llama3.1", "fallbacks": ["claude"] },
                "claude": { "kind": "anthropic", "model": "claude-sonnet-4-5", "apiKeySecret": "ANTHROPIC_API_KEY", "timeoutSeconds": 30 }
              },
              "prices": { "claude-sonnet-4": { "inputPerMillion": 3, "outputPerMillion": 15, "cachedInputPerMillion": 0.3 } }
            }
            """);

        Assert.Equal(7790, config.Port);
        Assert.Equal(ModelKind.OpenAICompatible, config.Models["local"].Kind);
        Assert.Equal(["claude"], config.Models["local"].Fallbacks);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Models["claude"].Timeout);
        Assert.Equal(0.0045m, config.Prices.Cost("claude-sonnet-4-5-20250929", 1000, 0, 100));
    }

    [Theory]
    [InlineData("""{ "models": { "m": { "kind": "gpt", "model": "x" } } }""", "models.m.kind: unknown kind 'gpt'")]
    [InlineData("""{ "models": { "m": { "kind": "openai-compatible", "model": "x" } } }""", "models.m.baseUrl: is required")]
    [InlineData("""{ "models": { "m": { "kind": "openai-compatible", "baseUrl": "localhost:1234", "model": "x" } } }""", "models.m.baseUrl: 'localhost:1234' is not an absolute")]
    [InlineData("""{ "models": { "m": { "kind": "anthropic", "model": "x", "fallbacks": ["nope"] } } }""", "models.m.fallbacks: 'nope' is not a declared model")]
    [InlineData("""{ "defaultModel": "ghost" }""", "defaultModel: 'ghost' is not a declared model")]
    [InlineData("""{ "port": 70000 }""", "port: 70000 is not a TCP port")]
    [InlineData("""{ "prot": 1 }""", "prot: unknown field")]
    [InlineData("""{ "prices": { "x": { "inputPerMillion": "cheap" } } }""", "prices.x.inputPerMillion: expected a non-negative number")]
    [InlineData("""{ "policy": { "loosen": [ { "agent": "a", "capability": "files.write" }, { "agent": "b" } ] } }""", "policy.loosen[1].capability: is required")]
    [InlineData("""{ "policy": { "loosen": [ { "agent": "a", "capability": "x", "why": 1 } ] } }""", "policy.loosen[0].why: unknown field")]
    [InlineData("""{ "policy": { "loosen": { "agent": "a" } } }""", "policy.loosen: expected")]
    [InlineData("""{ "email": { "rules": [ { "from": "*@x.example", "category": "newsletter" }, "spam" ] } }""", "email.rules[1]: expected")]
    [InlineData("""{ "email": { "rules": [ { "from": "*@x.example", "category": "fun" } ] } }""", "email.rules[0].category: unknown category 'fun'")]
    [InlineData("""{ "email": { "accounts": { "work": { "imapHost": "h", "user": "u", "passwordSecret": "p", "names": ["Dana", 7] } } } }""", "email.accounts.work.names[1]: expected a non-empty text")]
    public void WrongField_IsNamedInTheError(string json, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Load(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(_file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxError_GivesTheLine()
    {
        var error = Assert.Throws<ConfigException>(() => Load("{\n  \"port\": 1,\n  \"models\": {,\n}"));

        Assert.StartsWith($"{_file}:3: invalid JSON", error.Message, StringComparison.Ordinal);
    }
}
