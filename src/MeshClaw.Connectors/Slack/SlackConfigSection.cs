using System.Text.Json;
using MeshClaw.Core.Configuration;

namespace MeshClaw.Connectors.Slack;

/// <summary>Reads and checks the "slack" section of config.json.</summary>
public sealed class SlackConfigSection() : ConfigSection<SlackSettings>("slack")
{
    public override SlackSettings Read(JsonElement section, ConfigReader at)
    {
        at.Expect(section, JsonValueKind.Object, "slack");
        at.OnlyKnown(section, "slack", "apiBaseUrl", "botTokenSecret", "appTokenSecret", "signingSecret", "owner", "ownerChannel", "botUserId", "team", "allowedUsers", "agent", "socketMode", "pacePercent");
        var defaults = new SlackSettings();
        var baseUrl = defaults.ApiBaseUrl;
        if (at.Text(section, "apiBaseUrl", "slack.apiBaseUrl") is { } text)
        {
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && !parsed.IsLoopback))
            {
                throw at.Error("slack.apiBaseUrl", "must be an https URL (plain http only on this machine)");
            }

            baseUrl = parsed;
        }

        return new SlackSettings
        {
            ApiBaseUrl = baseUrl,
            BotTokenSecret = at.Text(section, "botTokenSecret", "slack.botTokenSecret") ?? defaults.BotTokenSecret,
            AppTokenSecret = at.Text(section, "appTokenSecret", "slack.appTokenSecret") ?? defaults.AppTokenSecret,
            SigningSecret = at.Text(section, "signingSecret", "slack.signingSecret") ?? defaults.SigningSecret,
            Owner = UserId(at, section, "owner"),
            OwnerChannel = UserId(at, section, "ownerChannel"),
            BotUserId = UserId(at, section, "botUserId"),
            Team = at.Text(section, "team", "slack.team"),
            AllowedUsers = at.StringList(section, "allowedUsers", "slack.allowedUsers"),
            Agent = at.Text(section, "agent", "slack.agent") ?? defaults.Agent,
            SocketMode = at.Flag(section, "socketMode", "slack.socketMode") ?? defaults.SocketMode,
            Pace = at.Number(section, "pacePercent", "slack.pacePercent") is { } percent
                ? percent <= 100 ? percent / 100.0 : throw at.Error("slack.pacePercent", "must be from 0 to 100 (100: Slack's own rate tiers)")
                : defaults.Pace,
        };
    }

    private static string? UserId(ConfigReader at, JsonElement section, string name) =>
        at.Text(section, name, $"slack.{name}") is { } id && (id.Length < 2 || !id.All(char.IsAsciiLetterOrDigit))
            ? throw at.Error($"slack.{name}", "must be a Slack id (letters and digits, e.g. U0123ABCD)")
            : at.Text(section, name, $"slack.{name}");
}
