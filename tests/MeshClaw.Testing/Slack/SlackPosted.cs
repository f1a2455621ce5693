namespace MeshClaw.Testing.Slack;

/// <summary>A message as the fake server holds it: posted by a user (seeded) or by the bot (chat.postMessage), edited by chat.update.</summary>
public sealed record SlackPosted(string Channel, string Ts, string? User, string Text, string? ThreadTs)
{
    public bool Deleted { get; init; }

    /// <summary>The Block Kit blocks as sent (JSON), if any.</summary>
    public string? Blocks { get; init; }

    /// <summary>The message metadata as sent (<c>event_type</c>, <c>event_payload</c>), if any.</summary>
    public string? Metadata { get; init; }
}
