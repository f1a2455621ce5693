using System.Text.Json;
using MailKit;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>Sets or clears a flag (seen, flagged, answered) on a message; email_mark_read is the common case. Undo restores the flag.</summary>
public sealed class FlagMailTool : EmailTool
{
    private readonly bool _markRead;

    public FlagMailTool(EmailSettings settings, MailConnections connections, bool markRead) : base(settings, connections)
    {
        _markRead = markRead;
        Name = markRead ? "email_mark_read" : "email_flag";
        Capability = markRead ? "email.mark" : "email.flag";
        Description = markRead ? "Marks a message as read." : "Sets or clears a flag on a message: flag is seen, flagged or answered; set is true or false.";
        ParametersSchema = Schema(markRead
            ? """{"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"}},"required":["id"],"additionalProperties":false}"""
            : """{"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"},"flag":{"type":"string","enum":["seen","flagged","answered"]},"set":{"type":"boolean"}},"required":["id","flag","set"],"additionalProperties":false}""");
    }

    public override string Name { get; }
    public override string Capability { get; }
    public override ToolRisk Risk => ToolRisk.ReversibleWrite;
    public override string Description { get; }
    public override JsonElement ParametersSchema { get; }

    public override async Task<ToolCallPlan> PrepareAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, folder, id, flag, set) = Resolve(arguments, context);
        var before = await mailbox.HasFlagAsync(folder, id, flag, cancellationToken);
        return new ToolCallPlan(Risk)
        {
            Target = $"{id} in {folder}",
            Inverse = before == set ? null : new ToolInverse("email_flag",
                JsonSerializer.SerializeToElement(new { account = mailbox.Account.Name, folder, id, flag = flag.ToString().ToLowerInvariant(), set = before })),
        };
    }

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var (mailbox, folder, id, flag, set) = Resolve(arguments, context);
        await mailbox.FlagAsync(folder, id, flag, set, cancellationToken);
        return new ToolResult($"{(set ? "set" : "cleared")} {flag.ToString().ToLowerInvariant()} on {id}");
    }

    private (Mailbox, string, string, MessageFlags, bool) Resolve(JsonElement arguments, ToolContext context)
    {
        var mailbox = MailboxFor(arguments);
        var folder = Folder(arguments, context);
        var id = ToolArguments.RequiredString(arguments, "id");
        if (_markRead)
        {
            return (mailbox, folder, id, MessageFlags.Seen, true);
        }

        var flag = ToolArguments.RequiredString(arguments, "flag") switch
        {
            "seen" => MessageFlags.Seen,
            "flagged" => MessageFlags.Flagged,
            "answered" => MessageFlags.Answered,
            var other => throw new ToolArgumentException($"unknown flag '{other}'; use seen, flagged or answered"),
        };
        var set = !arguments.TryGetProperty("set", out var s) || s.ValueKind != JsonValueKind.False;
        return (mailbox, folder, id, flag, set);
    }
}
