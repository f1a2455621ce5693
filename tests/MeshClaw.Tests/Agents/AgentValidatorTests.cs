using MeshClaw.Host.Agents;

namespace MeshClaw.Tests.Agents;

/// <summary>
/// `agents validate` tells the truth: grants are checked against every module's tools (the built-in inbox agent's
/// email tools and shell.exec are real), models against config.json, and every file is counted.
/// </summary>
public sealed class AgentValidatorTests
{
    private const string Config = """{ "models": { "main": { "kind": "openai-compatible", "baseUrl": "http://127.0.0.1:11434/v1", "model": "m" } } }""";

    private static void Write(TestMeshClaw meshclaw, string name, string frontMatter) =>
        File.WriteAllText(Path.Combine(meshclaw.Home.Agents, name + ".md"), $"---\nname: {name}\ndescription: test\n{frontMatter}\n---\nDo the work.\n");

    [Fact]
    public async Task ModuleToolsAndBuiltIns_AreValid()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync(config: Config);
        Write(meshclaw, "inbox", "builtin: inbox\nmodel: main\ntools: [email.read, email.move, email.flag, email.draft]");
        Write(meshclaw, "worker", "tools: [shell.exec, files.*, web.fetch, memory.*]\nsubagents: [inbox]");

        var result = meshclaw.Get<AgentValidator>().Validate([]);

        Assert.Empty(result.Problems);
        Assert.Equal((2, 2), (result.Files, result.Valid.Count));
    }

    [Fact]
    public async Task EveryProblemOfEveryFile_IsReportedOnItsLine()
    {
        await using var meshclaw = await TestMeshClaw.CreateAsync(config: Config);
        Write(meshclaw, "wrong", "model: mian\nfallbacks: [claude]\ntools: [email.read, mail.teleport]\nbuiltin: butler\nsubagents: [ghost]");
        File.WriteAllText(Path.Combine(meshclaw.Home.Agents, "broken.md"), "---\nname: broken\ntools: [files.read\nmodel: main\n---\nHi.\n");

        var result = meshclaw.Get<AgentValidator>().Validate([]);
        var problems = result.Problems.Select(p => $"{Path.GetFileName(p.File)}:{p.Line}: {p.Field}").ToList();

        Assert.Equal(2, result.Files);
        Assert.Empty(result.Valid);
        Assert.Equal(["broken.md:3: front matter", "wrong.md:6: tools", "wrong.md:4: model", "wrong.md:5: fallbacks", "wrong.md:7: builtin", "wrong.md:8: subagents"], problems);
        Assert.Contains(result.Problems, p => p.Message.Contains("'mian' is not a model in config.json (models: main)", StringComparison.Ordinal));
    }
}
