namespace MeshClaw.Core.Usage;

/// <summary>The words the CLI, the API and the dashboard use for a grouping of usage.</summary>
public static class UsageGroupings
{
    public const string Expected = "agent, model, day, trigger or agent-model";

    /// <summary>The grouping a word names (none means agent and model); null for an unknown word.</summary>
    public static UsageGrouping? Parse(string? by) => by switch
    {
        null or "" or "agent-model" => UsageGrouping.AgentAndModel,
        "agent" => UsageGrouping.Agent,
        "model" => UsageGrouping.Model,
        "day" => UsageGrouping.Day,
        "trigger" => UsageGrouping.Trigger,
        _ => null,
    };
}
