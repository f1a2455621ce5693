using System.Text.Json;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// A message event MeshClaw may answer, read from an <c>events_api</c> payload: a DM (<c>message</c> in an <c>im</c>) or
/// a mention (<c>app_mention</c>). Edits, deletions and bot messages are not ones (null).
/// </summary>
public sealed record SlackEvent(string EventId, string Type, string User, string Channel, string Text, string Ts, string? ThreadTs, bool Direct)
{
    /// <summary>The thread the answer goes to: the event's thread, or a new one under the message.</summary>
    public string ReplyThread => ThreadTs ?? Ts;

    public static SlackEvent? From(JsonElement payload)
    {
        if (!payload.TryGetProperty("event", out var e) || e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = SlackClient.Str(e, "type");
        var direct = type == "message" && SlackClient.Str(e, "channel_type") == "im";
        if ((type != "app_mention" && !direct) || SlackClient.Str(e, "subtype") is not null || SlackClient.Str(e, "bot_id") is not null)
        {
            return null;
        }

        return SlackClient.Str(e, "user") is { } user && SlackClient.Str(e, "channel") is { } channel && SlackClient.Str(e, "ts") is { } ts
            ? new SlackEvent(SlackClient.Str(payload, "event_id") ?? $"{channel}:{ts}", type!, user, channel, SlackClient.Str(e, "text") ?? "", ts, SlackClient.Str(e, "thread_ts"), direct)
            : null;
    }
}
