using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>What every email tool shares: finding the account and mailbox, and keeping to the agent's mail folders.</summary>
public abstract class EmailTool(EmailSettings settings, MailConnections connections) : IAgentTool
{
    public abstract string Name { get; }
    public abstract string Capability { get; }
    public abstract ToolRisk Risk { get; }
    public abstract string Description { get; }
    public abstract JsonElement ParametersSchema { get; }

    public abstract Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken);

    public virtual Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ToolCallPlan(Risk));

    public virtual Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ReconcileOutcome.Unknown);

    public virtual async Task<Reconciliation> ReconcileActionAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        new(await ReconcileAsync(arguments, context, cancellationToken));

    protected Mailbox MailboxFor(JsonElement arguments) => connections.For(settings.Account(ToolArguments.OptionalString(arguments, "account")));

    protected static string Folder(JsonElement arguments, ToolContext context, string name = "folder", string fallback = "INBOX")
    {
        var folder = ToolArguments.OptionalString(arguments, name) ?? fallback;
        EnsureAllowed(folder, context);
        return folder;
    }

    /// <summary>
    /// The agent's <c>mail_folders</c> scope. Undo is not bound by it: the user asked for it, with arguments MeshClaw
    /// planned itself, and putting back a delete means taking the message out of the quarantine folder.
    /// </summary>
    protected static void EnsureAllowed(string folder, ToolContext context)
    {
        var allowed = context.Definition?.MailFolders ?? [];
        if (allowed.Count > 0 && !context.IsUndo && !allowed.Contains(folder, StringComparer.OrdinalIgnoreCase))
        {
            throw new ToolArgumentException($"agent '{context.Agent}' may not touch the folder '{folder}' (its folders: {string.Join(", ", allowed)})");
        }
    }

    protected static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement;
}
