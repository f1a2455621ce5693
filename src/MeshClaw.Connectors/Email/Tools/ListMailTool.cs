using System.Globalization;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Tools;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Lists messages of a folder: id, sender, subject, date, flags, in UID order, from after <c>after_uid</c> for paging.
/// Untrusted: senders write subjects. Procedures get the summaries (with the triage headers) as data.
/// </summary>
public sealed class ListMailTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    public const int MaxLimit = 1000;

    public override string Name => "email_list";
    public override string Capability => "email.read";
    public override ToolRisk Risk => ToolRisk.Read;
    public override string Description => "Lists messages in a mail folder (default INBOX): id, from, subject, date, flags. 'after_uid' pages on from the last uid seen.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"unread_only":{"type":"boolean"},"limit":{"type":"integer"},"after_uid":{"type":"integer"}},"additionalProperties":false}
        """);

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var folder = Folder(arguments, context);
        var unread = arguments.TryGetProperty("unread_only", out var u) && u.ValueKind == JsonValueKind.True;
        var limit = (int)Math.Clamp(ToolArguments.OptionalInteger(arguments, "limit") ?? 50, 1, MaxLimit);
        var after = (uint)Math.Clamp(ToolArguments.OptionalInteger(arguments, "after_uid") ?? 0, 0, uint.MaxValue);
        var messages = await MailboxFor(arguments).ListAsync(folder, unread, limit, cancellationToken, after);
        var text = new StringBuilder($"{messages.Count} message(s) in {folder}{(messages.Count == limit ? $" (more may follow: after_uid {messages[^1].Uid})" : "")}\n");
        foreach (var m in messages)
        {
            text.Append(CultureInfo.InvariantCulture, $"- id: {m.Id} | uid: {m.Uid} | from: {m.From} | subject: {m.Subject} | date: {m.Date:yyyy-MM-dd HH:mm} | {(m.Seen ? "read" : "unread")}{(m.Flagged ? ", flagged" : "")}\n");
        }

        return new ToolResult(text.ToString().TrimEnd(), Untrusted: true) { Data = JsonSerializer.SerializeToElement(messages, MailData.Json) };
    }
}
