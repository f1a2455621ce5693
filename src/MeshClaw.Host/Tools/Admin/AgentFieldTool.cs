using System.Text.Json;
using MeshClaw.Core.Agents;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Home;

namespace MeshClaw.Host.Tools.Admin;

/// <summary>Changes one front-matter field of an agent file (its grants, budget or schedule); the result must still load.</summary>
public sealed class AgentFieldTool : HomeFileEditTool
{
    private readonly string _field;

    private AgentFieldTool(MeshClawHome home, string name, string capability, string field, string description, string valueSchema) : base(home)
    {
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

    public static AgentFieldTool Grants(MeshClawHome home) => new(home, "set_agent_tools", "meshclaw.grants", "tools",
        "Sets the tools (capability grants) of an agent.", """{"type":"array","items":{"type":"string"}}""");

    public static AgentFieldTool Budget(MeshClawHome home) => new(home, "set_agent_budget", "meshclaw.budgets", "budget",
        "Sets the budget of an agent (tokens_per_run, cost_per_run, tokens_per_day, cost_per_day, max_steps).", """{"type":"object"}""");

    public static AgentFieldTool Schedule(MeshClawHome home) => new(home, "set_agent_triggers", "meshclaw.schedules", "triggers",
        "Sets the triggers of an agent, e.g. [{\"cron\":\"0 6 * * *\"}].", """{"type":"array","items":{"type":"object"}}""");

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
}
