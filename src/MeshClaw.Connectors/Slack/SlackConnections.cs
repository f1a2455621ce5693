namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Web API clients for the configured workspace over one shared HttpClient and one set of rate tiers, with the tokens
/// read from the secrets store at each use.
/// </summary>
/// <param name="time">The clock rate limits are kept on: the wall clock in a gateway (Slack counts on it).</param>
public sealed class SlackConnections(Func<string, string?> secret, TimeProvider time) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The workspace's rate tiers, shared by every client made here.</summary>
    public SlackRateLimits Limits { get; } = new(time);

    /// <summary>The bot token's client (xoxb): reading, posting, reacting.</summary>
    public SlackClient Bot(SlackSettings settings) => new(_http, settings.ApiBaseUrl, Token(settings.BotTokenSecret), Limits, settings.Pace);

    /// <summary>The app-level token's client (xapp): Socket Mode connections.</summary>
    public SlackClient App(SlackSettings settings) => new(_http, settings.ApiBaseUrl, Token(settings.AppTokenSecret), Limits, settings.Pace);

    /// <summary>A client for a token not saved yet (connect checks it first).</summary>
    public SlackClient WithToken(Uri baseUrl, string token, double pace = 1) => new(_http, baseUrl, token, Limits, pace);

    private string Token(string name) =>
        secret(name) is { Length: > 0 } token ? token : throw new SlackApiException("secrets", $"the secret {name} is not set; run: meshclaw connect slack");

    public void Dispose() => _http.Dispose();
}
