using System.Text;
using System.Text.Json;
using MeshClaw.Connectors.Web;
using MeshClaw.Core.Tools;
using MimeKit;

namespace MeshClaw.Connectors.Email.Tools;

/// <summary>
/// Reads one message (headers, its text with HTML turned into text, attachments listed but never opened), or a batch
/// of messages as excerpts (one decision, one audit record for the batch: what the inbox agent reads before it
/// classifies). Untrusted.
/// </summary>
public sealed class ReadMailTool(EmailSettings settings, MailConnections connections) : EmailTool(settings, connections)
{
    private const int MaxBodyChars = 20_000;
    public const int MaxBatch = 100;

    public override string Name => "email_read";
    public override string Capability => "email.read";
    public override ToolRisk Risk => ToolRisk.Read;
    public override string Description => "Reads one message by 'id' (headers, text body, attachment names), or excerpts of several: 'messages' [{id, uid}] with 'excerpt_chars'.";
    public override JsonElement ParametersSchema { get; } = Schema("""
        {"type":"object","properties":{"account":{"type":"string"},"folder":{"type":"string"},"id":{"type":"string"},
         "messages":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"uid":{"type":"integer"}},"required":["id"]}},
         "excerpt_chars":{"type":"integer"}},"additionalProperties":false}
        """);

    public override async Task<ToolResult> InvokeAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var folder = Folder(arguments, context);
        var mailbox = MailboxFor(arguments);
        if (arguments.TryGetProperty("messages", out var batch) && batch.ValueKind == JsonValueKind.Array)
        {
            return await ReadBatchAsync(mailbox, folder, batch, (int)Math.Clamp(ToolArguments.OptionalInteger(arguments, "excerpt_chars") ?? 600, 50, MaxBodyChars), cancellationToken);
        }

        var message = await mailbox.ReadAsync(folder, ToolArguments.RequiredString(arguments, "id"), cancellationToken);
        return new ToolResult(Render(message), Untrusted: true);
    }

    private static async Task<ToolResult> ReadBatchAsync(Mailbox mailbox, string folder, JsonElement batch, int excerptChars, CancellationToken cancellationToken)
    {
        if (batch.GetArrayLength() is 0 or > MaxBatch)
        {
            throw new ToolArgumentException($"'messages' must list 1 to {MaxBatch} messages");
        }

        var excerpts = new List<MailExcerpt>();
        var text = new StringBuilder();
        foreach (var item in batch.EnumerateArray())
        {
            var id = ToolArguments.RequiredString(item, "id");
            var uid = ToolArguments.OptionalInteger(item, "uid") is { } u and > 0 and <= uint.MaxValue ? (uint?)u : null;
            MailExcerpt excerpt;
            try
            {
                var message = await mailbox.ReadAsync(folder, id, cancellationToken, uid);
                var body = message.TextBody ?? (message.HtmlBody is { } html ? ReadableText.FromHtml(html) : "");
                excerpt = new MailExcerpt(id, message.From.ToString(), message.Subject ?? "", body.Length > excerptChars ? body[..excerptChars] + "…" : body, true);
            }
            catch (Exception ex) when (ex is MailNotFoundException or FormatException)
            {
                excerpt = new MailExcerpt(id, "", "", "(body could not be read)", false);
            }

            excerpts.Add(excerpt);
            text.Append("id: ").AppendLine(id).Append("from: ").AppendLine(excerpt.From).Append("subject: ").AppendLine(excerpt.Subject).AppendLine(excerpt.Excerpt).AppendLine();
        }

        return new ToolResult(text.ToString().TrimEnd(), Untrusted: true) { Data = JsonSerializer.SerializeToElement(excerpts, MailData.Json) };
    }

    public static string Render(MimeMessage message)
    {
        var text = new StringBuilder();
        text.AppendLine($"From: {message.From}");
        text.AppendLine($"To: {message.To}");
        if (message.Cc.Count > 0)
        {
            text.AppendLine($"Cc: {message.Cc}");
        }

        text.AppendLine($"Date: {message.Date:u}");
        text.AppendLine($"Subject: {message.Subject}");
        text.AppendLine($"Message-ID: {message.MessageId}");
        var body = message.TextBody ?? (message.HtmlBody is { } html ? ReadableText.FromHtml(html) : "(no text body)");
        if (body.Length > MaxBodyChars)
        {
            body = body[..MaxBodyChars] + $"\n[cut: {body.Length - MaxBodyChars} more characters]";
        }

        text.AppendLine().AppendLine(body);
        var attachments = message.Attachments.OfType<MimePart>().ToList();
        if (attachments.Count > 0)
        {
            text.AppendLine().AppendLine("Attachments (not opened):");
            foreach (var a in attachments)
            {
                text.AppendLine($"- {a.FileName ?? "(unnamed)"} ({a.ContentType.MimeType})");
            }
        }

        return text.ToString().TrimEnd();
    }
}
