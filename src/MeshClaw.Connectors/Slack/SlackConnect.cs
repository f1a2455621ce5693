using System.Text.Json;
using System.Text.Json.Nodes;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// <c>meshclaw connect slack</c>: asks for the bot token (xoxb), the app-level token (xapp, Socket Mode) and the signing
/// secret (Events API; either of the last two may be left empty, not both), checks them for real (auth.test, the owner
/// with users.info, the owner's DM, apps.connections.open; the signing secret's form, which no API call can check) and
/// saves nothing when a check fails, saying what is wrong: a refused token, a missing scope (named), Socket Mode not enabled.
/// </summary>
public sealed partial class SlackConnect : IConnectCommand
{
    public const string BotSecret = "SLACK_BOT_TOKEN";
    public const string AppSecret = "SLACK_APP_TOKEN";
    public const string SigningSecret = "SLACK_SIGNING_SECRET";

    public string Name => "slack";
    public string Description => "Connect a Slack workspace: stores the bot and app tokens and the signing secret encrypted, checks them, records you as the owner";

    public IReadOnlyList<ConnectOption> Options { get; } =
    [
        new("owner", "Your Slack member id (profile > ... > Copy member ID): only you may talk to MeshClaw at first", Required: true),
        new("allow", "Other member ids who may talk to MeshClaw, comma-separated"),
        new("api-base-url", "The Slack Web API root", Default: SlackSettings.DefaultApiBaseUrl.ToString()),
    ];

    public async Task<int> RunAsync(ConnectInput input, ConnectContext context, CancellationToken cancellationToken)
    {
        var (home, console) = (context.Home, context.Console);
        home.EnsureCreated();
        var owner = input.Get("owner")?.Trim() ?? "";
        var node = new JsonObject { ["owner"] = owner, ["botTokenSecret"] = BotSecret, ["appTokenSecret"] = AppSecret };
        if (input.Get("api-base-url") is { } baseUrl && baseUrl != SlackSettings.DefaultApiBaseUrl.ToString())
        {
            node["apiBaseUrl"] = baseUrl;
        }

        if (input.Get("allow") is { Length: > 0 } allow)
        {
            node["allowedUsers"] = new JsonArray([.. allow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => (JsonNode)u)]);
        }

        var config = File.Exists(home.ConfigFile)
            ? JsonNode.Parse(await File.ReadAllTextAsync(home.ConfigFile, cancellationToken), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip })!.AsObject()
            : [];
        config["slack"] = node;
        SlackSettings settings;
        try
        {
            settings = Check(config, home.ConfigFile);
        }
        catch (ConfigException ex)
        {
            console.Error(ex.Message);
            return 2;
        }

        // Piped input may carry the tokens and the signing secret, one a line; a terminal asks for each.
        var lines = console.ReadSecret($"{BotSecret} (xoxb-...)").Split('\n', StringSplitOptions.TrimEntries);
        var bot = lines.ElementAtOrDefault(0) ?? "";
        var app = lines.Length > 1 ? lines[1] : console.ReadSecret($"{AppSecret} (xapp-..., for Socket Mode; empty to use the Events API only)").Trim();
        var signing = lines.Length > 2 ? lines[2] : console.ReadSecret($"{SigningSecret} (Basic Information > Signing Secret, for the Events API; empty for Socket Mode only)").Trim();
        if (!bot.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            console.Error("the bot token must be the Bot User OAuth Token (xoxb-...) from OAuth & Permissions; nothing was saved");
            return 2;
        }

        if (app.Length > 0 && !app.StartsWith("xapp-", StringComparison.Ordinal))
        {
            console.Error("the app-level token must be an xapp-... token (Basic Information > App-Level Tokens, scope connections:write); nothing was saved");
            return 2;
        }

        if (signing.Length > 0 && !SigningSecretForm().IsMatch(signing))
        {
            console.Error("the signing secret must be the 32 hexadecimal characters under Basic Information > App Credentials > Signing Secret; nothing was saved");
            return 2;
        }

        if (app.Length == 0 && signing.Length == 0)
        {
            console.Error("give the app-level token (Socket Mode, no public URL needed) or the signing secret (Events API, behind a reverse proxy); nothing was saved");
            return 2;
        }

        using var connections = new SlackConnections(_ => null, TimeProvider.System);
        SlackIdentity identity;
        string direct;
        try
        {
            console.Line($"checking the bot token with auth.test at {settings.ApiBaseUrl}...");
            var client = connections.WithToken(settings.ApiBaseUrl, bot);
            identity = await client.AuthTestAsync(cancellationToken);
            if (await client.UserAsync(owner, cancellationToken) is not { } user)
            {
                console.Error($"there is no member '{owner}' in workspace {identity.Team ?? identity.TeamId}; nothing was saved");
                return 1;
            }

            if (user.IsBot)
            {
                console.Error($"'{owner}' is a bot, not a person; give your own member id; nothing was saved");
                return 1;
            }

            direct = await client.OpenDirectAsync(owner, cancellationToken);
            if (app.Length > 0)
            {
                console.Line($"checking Socket Mode with apps.connections.open...");
                await connections.WithToken(settings.ApiBaseUrl, app).OpenConnectionAsync(cancellationToken);
            }

            await client.PostMessageAsync(direct, "MeshClaw is connected. Talk to me here; type pause, resume or status at any time.", null, null, cancellationToken);
        }
        catch (SlackApiException ex)
        {
            console.Error($"cannot connect Slack: {Explain(ex)}. Nothing was saved.");
            return 1;
        }

        node["ownerChannel"] = direct;
        node["botUserId"] = identity.UserId;
        node["team"] = identity.TeamId;
        node["signingSecret"] = SigningSecret;
        if (app.Length == 0)
        {
            node["socketMode"] = false;
        }

        config["slack"] = node;
        var text = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        context.Secrets.Set(BotSecret, bot);
        var stored = new List<string> { BotSecret };
        if (app.Length > 0)
        {
            context.Secrets.Set(AppSecret, app);
            stored.Add(AppSecret);
        }

        if (signing.Length > 0)
        {
            context.Secrets.Set(SigningSecret, signing);
            stored.Add(SigningSecret);
        }

        await File.WriteAllTextAsync(home.ConfigFile, text, cancellationToken);
        console.Line($"connected Slack workspace {identity.Team ?? identity.TeamId} as bot {identity.User ?? identity.UserId}; owner {owner} (DM {direct})");
        console.Line($"stored as secrets: {string.Join(", ", stored)}; settings saved in {home.ConfigFile}");
        console.Line(app.Length > 0 ? "events arrive over Socket Mode" : "events arrive over the Events API: point the app's Request URLs at https://YOUR-PROXY/slack/events and /slack/interactive");
        if (AssistantAgentFile.EnsureWritten(home.Agents))
        {
            console.Line($"the assistant agent is ready in {Path.Combine(home.Agents, "assistant.md")}: it answers your DMs and mentions");
        }

        console.Line("the Slack app needs these scopes and events (app manifest):");
        console.Line(SlackManifest.Snippet);
        return 0;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-fA-F]{32,64}$")]
    private static partial System.Text.RegularExpressions.Regex SigningSecretForm();

    private static SlackSettings Check(JsonObject config, string path)
    {
        // The whole section must load as it will be saved, so a bad owner id or URL is refused before any token is asked for.
        using var document = JsonDocument.Parse(config.ToJsonString());
        return new SlackConfigSection().Read(document.RootElement.GetProperty("slack"), new ConfigReader(path));
    }

    /// <summary>What went wrong, in the words of the page where the user fixes it.</summary>
    public static string Explain(SlackApiException ex) => (ex.Method, ex.Error) switch
    {
        ("apps.connections.open", "invalid_auth" or "not_authed") => "the app-level token (xapp) was refused (invalid_auth): create one under Basic Information > App-Level Tokens with scope connections:write",
        ("apps.connections.open", "not_allowed_token_type") => "the app-level token is not an app-level token (not_allowed_token_type): use the xapp-... token",
        ("apps.connections.open", "missing_scope") => $"the app-level token lacks the scope {ex.Needed ?? "connections:write"} (missing_scope)",
        ("apps.connections.open", var error) => $"Socket Mode is not enabled for this app ({error}): turn it on under Settings > Socket Mode",
        (_, "invalid_auth" or "not_authed" or "account_inactive" or "token_revoked") => $"the bot token was refused ({ex.Error}): copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions, after installing the app",
        (_, "missing_scope") => $"the bot token lacks the scope {ex.Needed ?? "(not named)"} (missing_scope, in {ex.Method}): add it under OAuth & Permissions and reinstall the app",
        _ => ex.Message,
    };
}
