namespace MeshClaw.Connectors.Slack;

/// <summary>The "slack" section of config.json: where the Web API is, which secrets hold the tokens, who the owner is.</summary>
public sealed record SlackSettings
{
    public static readonly Uri DefaultApiBaseUrl = new("https://slack.com/api/");

    /// <summary>The Web API root; a test points it at its fake server.</summary>
    public Uri ApiBaseUrl { get; init; } = DefaultApiBaseUrl;

    /// <summary>The secret holding the bot token (xoxb-).</summary>
    public string BotTokenSecret { get; init; } = "SLACK_BOT_TOKEN";

    /// <summary>The secret holding the app-level token (xapp-) Socket Mode connects with.</summary>
    public string AppTokenSecret { get; init; } = "SLACK_APP_TOKEN";

    /// <summary>The secret holding the app's signing secret, for the Events API (<c>/slack/events</c>, <c>/slack/interactive</c>).</summary>
    public string SigningSecret { get; init; } = "SLACK_SIGNING_SECRET";

    /// <summary>The Slack user id of the person who connected MeshClaw; null while Slack is not connected.</summary>
    public string? Owner { get; init; }

    /// <summary>The owner's direct-message conversation with the bot (D...): where MeshClaw answers and asks.</summary>
    public string? OwnerChannel { get; init; }

    /// <summary>The bot's own user id (its mentions, and its own messages to ignore).</summary>
    public string? BotUserId { get; init; }

    public string? Team { get; init; }

    /// <summary>Besides the owner, who may talk to MeshClaw in Slack (user ids). Empty: the owner alone.</summary>
    public IReadOnlyList<string> AllowedUsers { get; init; } = [];

    /// <summary>The agent that answers DMs and mentions.</summary>
    public string Agent { get; init; } = "assistant";

    /// <summary>Whether the gateway holds a Socket Mode connection (the default: no public URL needed).</summary>
    public bool SocketMode { get; init; } = true;

    /// <summary>
    /// How long the waits of Slack's rate tiers and Retry-After are, as a fraction of Slack's own (config
    /// <c>pacePercent</c>, 100 by default). Only a test or benchmark against a fake server makes it smaller; 0 waits never.
    /// </summary>
    public double Pace { get; init; } = 1;

    public bool Connected => Owner is not null;

    public bool MayTalk(string user) => user == Owner || AllowedUsers.Contains(user, StringComparer.Ordinal);
}
