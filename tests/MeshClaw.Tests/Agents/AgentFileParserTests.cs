using MeshClaw.Core.Agents;

namespace MeshClaw.Tests.Agents;

public sealed class AgentFileParserTests
{
    [Fact]
    public void ValidFile_GivesTheAgentWithEveryField()
    {
        var result = AgentFileParser.Parse("inbox.md", """
            ---
            name: inbox
            description: Sorts my mail
            model: local
            fallbacks: [claude]
            tools: [email.read, files.*]
            triggers:
              - cron: "0 6 * * *"
              - interval: 15m
              - event: email.received
            budget:
              tokens_per_run: 20_000
              cost_per_day: 0.50
              max_steps: 8
            ---
            Sort the mail.
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var agent = result.Agent!;
        Assert.Equal("inbox", agent.Name);
        Assert.Equal("local", agent.Model);
        Assert.Equal(["claude"], agent.Fallbacks);
        Assert.Equal(["email.read", "files.*"], agent.Tools);
        Assert.Equal([AgentTriggerKind.Cron, AgentTriggerKind.Interval, AgentTriggerKind.Event], agent.Triggers.Select(t => t.Kind));
        Assert.Equal(20_000, agent.Budget.TokensPerRun);
        Assert.Equal(0.50m, agent.Budget.CostPerDay);
        Assert.Equal(8, agent.Budget.MaxSteps);
        Assert.Equal("Sort the mail.", agent.Instructions);
    }

    [Fact]
    public void EveryProblem_IsReportedWithItsLineAndField()
    {
        var result = AgentFileParser.Parse("bad.md", "---\nname: ok-name\nmodle: local\ntriggers:\n  - cron: \"not cron\"\n  - interval: soon\nbudget:\n  tokens_per_run: -5\n---\nBody.\n");

        Assert.Null(result.Agent);
        Assert.Contains(result.Errors, e => e is { Line: 3, Field: "modle" } && e.Message.Contains("unknown field", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e is { Line: 5, Field: "triggers.cron" });
        Assert.Contains(result.Errors, e => e is { Line: 6, Field: "triggers.interval" });
        Assert.Contains(result.Errors, e => e is { Line: 8, Field: "budget.tokens_per_run" });
    }

    [Theory]
    [InlineData("no front matter at all", 1, "front matter")]
    [InlineData("---\nname: x\n", 1, "front matter")]
    [InlineData("---\nname: [unclosed\n---\nBody", 3, "front matter")]
    [InlineData("---\ndescription: nameless\n---\nBody", 2, "name")]
    [InlineData("---\nname: x\n---\n", 4, "instructions")]
    public void BrokenStructure_SaysWhereAndWhat(string text, int line, string field)
    {
        var error = Assert.Single(AgentFileParser.Parse("f.md", text).Errors);

        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Catalog_LoadsTheGoodFiles_AndReportsTheBadOnesAndDuplicates()
    {
        var folder = Directory.CreateTempSubdirectory("agents").FullName;
        File.WriteAllText(Path.Combine(folder, "a.md"), "---\nname: alpha\n---\nA.\n");
        File.WriteAllText(Path.Combine(folder, "b.md"), "---\nname: alpha\n---\nDuplicate.\n");
        File.WriteAllText(Path.Combine(folder, "c.md"), "broken");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an agent");

        var catalog = AgentCatalog.Load(folder);

        Assert.Equal(["alpha"], catalog.Agents.Select(a => a.Name));
        Assert.Contains(catalog.Errors, e => e.File.EndsWith("b.md", StringComparison.Ordinal) && e.Message.Contains("already defined", StringComparison.Ordinal));
        Assert.Contains(catalog.Errors, e => e.File.EndsWith("c.md", StringComparison.Ordinal));
        Assert.Equal(2, catalog.Errors.Count);
    }

    [Fact]
    public void UnclosedBracketFollowedByAnotherKey_IsALocatedError_NotAParserCrash()
    {
        // YamlDotNet's scanner throws InvalidOperationException on this one, not a YamlException.
        var result = AgentFileParser.Parse("agents/broken.md", "---\nname: broken\ndescription: x\ntools: [files.read\nmodel: main\n---\nHi.\n");

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Agent);
        Assert.Equal("agents/broken.md:4: front matter: invalid YAML near here: check for an unclosed '[', '{' or quote", error.ToString());
    }

    [Theory]
    [InlineData("", AgentMode.Act)]
    [InlineData("mode: act\n", AgentMode.Act)]
    [InlineData("mode: suggest\n", AgentMode.Suggest)]
    public void Mode_IsActUnlessTheFileSaysSuggest(string line, AgentMode expected)
    {
        var result = AgentFileParser.Parse("agents/a.md", $"---\nname: a\n{line}---\nHelp.\n");

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(expected, result.Agent!.Mode);
    }

    [Fact]
    public void AnUnknownMode_IsAnErrorOnItsLine()
    {
        var error = Assert.Single(AgentFileParser.Parse("agents/a.md", "---\nname: a\nmode: yolo\n---\nHelp.\n").Errors);

        Assert.Equal(3, error.Line);
        Assert.Equal("mode", error.Field);
    }
}
