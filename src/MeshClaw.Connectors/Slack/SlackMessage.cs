namespace MeshClaw.Connectors.Slack;

/// <summary>One message as conversations.history and conversations.replies give it.</summary>
public sealed record SlackMessage(string Ts, string? User, string Text, string? ThreadTs, string? BotId)
{
    /// <summary>For a post of MeshClaw's outbox: the notification's key, from the message metadata.</summary>
    public string? OutboxKey { get; init; }
}

/// <summary>A posted message: where it is and its timestamp id.</summary>
public sealed record SlackMessageRef(string Channel, string Ts);

/// <summary>What auth.test says about a token.</summary>
public sealed record SlackIdentity(string UserId, string? User, string TeamId, string? Team, string? BotId);
