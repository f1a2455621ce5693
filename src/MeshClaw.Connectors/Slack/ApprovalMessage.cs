using System.Globalization;
using System.Text.Json.Nodes;
using MeshClaw.Core.Approvals;

namespace MeshClaw.Connectors.Slack;

/// <summary>An approval as a Block Kit message in the owner's DM: what is asked, why, until when, and Approve / Deny buttons.</summary>
public static class ApprovalMessage
{
    public const string ApproveAction = "meshclaw_approve";
    public const string DenyAction = "meshclaw_deny";
    private const int MaxArgumentChars = 1500;

    public static string Text(Approval approval) => $"Approval needed: {approval.Agent} wants to call {approval.Tool} ({approval.Capability})";

    public static JsonArray Blocks(Approval approval) =>
    [
        Section(Details(approval)),
        new JsonObject
        {
            ["type"] = "actions",
            ["block_id"] = "meshclaw_approval",
            ["elements"] = new JsonArray(Button("Approve", ApproveAction, "primary", approval.Id), Button("Deny", DenyAction, "danger", approval.Id)),
        },
    ];

    /// <summary>The plain text of the message once answered (notifications and screen readers).</summary>
    public static string AnsweredText(Approval approval) => $"{approval.Status} by {approval.DecidedBy}: {Text(approval)}";

    /// <summary>The message once answered (anywhere): the buttons give way to who answered and when.</summary>
    public static JsonArray Answered(Approval approval) =>
    [
        Section(Details(approval)),
        Section(string.Create(CultureInfo.InvariantCulture,
            $"*{approval.Status}* by {Escape(approval.DecidedBy ?? "?")} at {approval.DecidedAt ?? DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC")),
    ];

    private static string Details(Approval approval)
    {
        var arguments = approval.Arguments.Length > MaxArgumentChars ? approval.Arguments[..MaxArgumentChars] + "…" : approval.Arguments;
        return string.Create(CultureInfo.InvariantCulture, $"""
            *Approval needed*: agent `{Escape(approval.Agent)}` wants to call `{Escape(approval.Tool)}` ({Escape(approval.Capability)})
            {(approval.Target is null ? "" : $"*Target:* {Escape(approval.Target)}\n")}*Why asked:* {Escape(approval.Reason)}
            *Expires:* {approval.ExpiresAt:yyyy-MM-dd HH:mm} UTC · approval {approval.Id}
            ```{Escape(arguments).Replace("```", "'''", StringComparison.Ordinal)}```
            """);
    }

    private static JsonObject Section(string markdown) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown } };

    private static JsonObject Button(string text, string action, string style, string value) => new()
    {
        ["type"] = "button", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = text }, ["style"] = style, ["action_id"] = action, ["value"] = value,
    };

    /// <summary>Slack's three control characters in message text; anything else is shown as written.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
