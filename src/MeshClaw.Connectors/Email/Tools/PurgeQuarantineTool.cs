using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Removes "deleted" mail from MeshClaw's quarantine folder for good, and only from there. Irreversible; the
/// quarantine purge (a system procedure) uses it once the retention period the user set has passed.
/// </summary>
public sealed class PurgeQuarantineTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    public override string Name => "email_purge";
    public override string Capability => "email.purge";
    public override ToolRisk Risk => ToolRisk.IrreversibleWrite;
    public override string Description => "Removes messages ('ids') from MeshClaw's quarantine folder for good.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"ids":{"type":"array","items":{"type":"string"}}},"required":["ids"],"additionalProperties":false}
        """);

    public override Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, ids) = Read(arguments, context);
        return Task.FromResult(new ToolCallPlan(Risk) { Items = ids.Count, Target = $"{ids.Count} message(s) from {mailbox.Account.QuarantineFolder} of {mailbox.Account.Name}" });
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, ids) = Read(arguments, context);
        var removed = await mailbox.PurgeAsync(mailbox.Account.QuarantineFolder, ids, cancellationToken);
        return new ToolResult($"purged {removed} of {ids.Count} message(s) from {mailbox.Account.QuarantineFolder} ({ids.Count - removed} no longer there)")
        {
            Data = JsonSerializer.SerializeToElement(new { removed, asked = ids.Count }, MailData.Json),
        };
    }

    public override async Task<ReconcileOutcome> ReconcileAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, ids) = Read(arguments, context);
        foreach (var id in ids)
        {
            if (await mailbox.ContainsAsync(mailbox.Account.QuarantineFolder, id, cancellationToken))
            {
                return ReconcileOutcome.NotDone;
            }
        }

        return ReconcileOutcome.Done;
    }

    private (Mailbox Mailbox, IReadOnlyList<string> Ids) Read(JsonElement arguments, ToolContext context)
    {
        var mailbox = MailboxFor(arguments);
        EnsureAllowed(mailbox.Account.QuarantineFolder, context);
        if (!arguments.TryGetProperty("ids", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new ToolArgumentException("'ids' must be a non-empty list of message ids");
        }

        return (mailbox, [.. list.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : throw new ToolArgumentException("every id must be a string"))]);
    }
}
