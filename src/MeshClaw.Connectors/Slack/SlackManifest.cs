namespace MeshClaw.Connectors.Slack;

/// <summary>What the Slack app needs: the scopes and events MeshClaw uses, as a snippet of an app manifest.</summary>
public static class SlackManifest
{
    public static readonly IReadOnlyList<string> BotScopes =
        ["app_mentions:read", "channels:history", "groups:history", "im:history", "im:read", "im:write", "chat:write", "reactions:write", "users:read"];

    public static readonly IReadOnlyList<string> BotEvents = ["app_mention", "message.im"];

    public static string Snippet => $"""
        oauth_config:
          scopes:
            bot: [{string.Join(", ", BotScopes)}]
        settings:
          event_subscriptions:
            bot_events: [{string.Join(", ", BotEvents)}]
          interactivity:
            is_enabled: true
          socket_mode_enabled: true
        # app-level token (Basic Information > App-Level Tokens): scope connections:write
        """;
}
