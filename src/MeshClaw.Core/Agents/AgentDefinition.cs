namespace MeshClaw.Core.Agents;

/// <summary>An agent as declared in its Markdown file: who it is, what it may use, and what it may spend.</summary>
public sealed record AgentDefinition
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Name of a model declared in the home folder's config; null means the config's default model.</summary>
    public string? Model { get; init; }
    /// <summary>Further configured models to fall back to, after the model's own fallback chain.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
    /// <summary>Capability grants (tool names or capabilities such as <c>files.read</c>); nothing is granted by default.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];
    public IReadOnlyList<AgentTrigger> Triggers { get; init; } = [];
    public AgentBudget Budget { get; init; } = AgentBudget.Default;
    /// <summary>When set, the agent's autonomous changes wait for approval during this daily window.</summary>
    public QuietHours? QuietHours { get; init; }
    /// <summary>Agents this one may delegate to; a sub-agent never gets more than its parent's grants.</summary>
    public IReadOnlyList<string> Subagents { get; init; } = [];
    /// <summary>Mail folders the agent may touch; empty means every folder.</summary>
    public IReadOnlyList<string> MailFolders { get; init; } = [];
    /// <summary>Slack conversations (ids) the agent may post in besides the owner's DM; empty: any, each asked for.</summary>
    public IReadOnlyList<string> SlackChannels { get; init; } = [];
    /// <summary>Set for MeshClaw's built-in agents (<c>inbox</c>): their runs follow a built-in procedure, under the same gate.</summary>
    public string? Builtin { get; init; }
    /// <summary><c>mode: suggest</c> puts every run of the agent in suggest mode: each change is a proposal the user approves.</summary>
    public AgentMode Mode { get; init; } = AgentMode.Act;
    /// <summary><c>context_tokens</c>: what a run starts from (instructions, session history, the new message) is kept within this many tokens; the new message is never cut.</summary>
    public int ContextTokens { get; init; } = DefaultContextTokens;
    public const int DefaultContextTokens = 16_000;
    /// <summary>The Markdown body: the agent's instructions.</summary>
    public required string Instructions { get; init; }
    public required string SourcePath { get; init; }
}
