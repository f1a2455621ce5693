using System.Text.Json;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Home;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>
/// Changes one front-matter field of an agent file (its budget or its triggers); the result must still load. A change
/// that only tightens (lower limits, fewer triggers) is an ordinary reversible write; anything else asks. Grants are
/// not among the fields: they are the user's to change, with the CLI or the dashboard, never an agent's.
/// </summary>
public sealed class AgentFieldTool : HomeFileEditTool
{
    private readonly string _field;

    private readonly Func<AgentDefinition, AgentDefinition, bool> _tightens;

    private AgentFieldTool(MeshClawHome home, string name, string capability, string field, string description, string valueSchema, Func<AgentDefinition, AgentDefinition, bool> tightens) : base(home)
    {
        _tightens = tightens;
        Name = name;
        Capability = capability;
        _field = field;
        Description = description;
        ParametersSchema = JsonDocument.Parse($$"""
            {"type":"object","properties":{"agent":{"type":"string"},"value":{{valueSchema}}},"required":["agent","value"],"additionalProperties":false}
            """).RootElement;
    }

    public override string Name { get; }
    public override string Capability { get; }
    public override string Description { get; }
    public override JsonElement ParametersSchema { get; }

    public static AgentFieldTool Budget(MeshClawHome home) => new(home, "set_agent_budget", "meshclaw.budgets", "budget",
        "Sets the budget of an agent (tokens_per_run, cost_per_run, tokens_per_day, cost_per_day, max_steps).", """{"type":"object"}""", LowersBudget);

    public static AgentFieldTool Schedule(MeshClawHome home) => new(home, "set_agent_triggers", "meshclaw.schedules", "triggers",
        "Sets the triggers of an agent, e.g. [{\"cron\":\"0 6 * * *\"}].", """{"type":"array","items":{"type":"object"}}""", RemovesTriggers);

    // Null limits are unlimited: a limit that appears is lower; one that disappears is higher.
    private static bool LowersBudget(AgentDefinition before, AgentDefinition after)
    {
        static bool NotHigher<T>(T? now, T? was) where T : struct, IComparable<T> => now is { } n && (was is not { } w || n.CompareTo(w) <= 0) || (now is null && was is null);
        var (b, a) = (before.Budget, after.Budget);
        return NotHigher(a.TokensPerRun, b.TokensPerRun) && NotHigher(a.CostPerRun, b.CostPerRun) && NotHigher(a.TokensPerDay, b.TokensPerDay)
            && NotHigher(a.CostPerDay, b.CostPerDay) && a.MaxSteps <= b.MaxSteps;
    }

    private static bool RemovesTriggers(AgentDefinition before, AgentDefinition after) => after.Triggers.All(before.Triggers.Contains);

    protected override (string File, string Content) Edit(JsonElement arguments)
    {
        var name = ToolArguments.RequiredString(arguments, "agent");
        if (!arguments.TryGetProperty("value", out var value))
        {
            throw new ToolArgumentException("the argument 'value' is required");
        }

        var agent = AgentCatalog.Load(Home.Agents).Find(name) ?? throw new ToolArgumentException($"no agent named '{name}'");
        var content = FrontMatterEditor.Set(File.ReadAllText(agent.SourcePath), _field, value.GetRawText());
        var check = AgentFileParser.Parse(agent.SourcePath, content);
        if (!check.Succeeded)
        {
            throw new ToolArgumentException($"the change would break the agent file: {string.Join("; ", check.Errors)}");
        }

        return (Path.GetRelativePath(Home.Root, agent.SourcePath), content);
    }

    protected override ToolRisk Assess(JsonElement arguments, string previous, string next)
    {
        var path = Path.Combine(Home.Agents, "agent.md");
        return AgentFileParser.Parse(path, previous).Agent is { } before && AgentFileParser.Parse(path, next).Agent is { } after && _tightens(before, after)
            ? ToolRisk.ReversibleWrite
            : Risk;
    }
}
