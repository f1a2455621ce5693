namespace MeshClaw.Connectors.Slack;

/// <summary>
/// A Web API call answered <c>"ok": false</c> (or could not be made): the method, Slack's error code and, for
/// <c>missing_scope</c>, the scope it needed; for a 429 how long Slack asked to wait; whether the call may have taken
/// effect all the same (no answer came back).
/// </summary>
public sealed class SlackApiException(string method, string error, string? needed = null, Exception? inner = null)
    : Exception($"{method}: {error}{(needed is null ? "" : $" (needs {needed})")}", inner)
{
    // Slack's own words for "try again later"; any other error names something about the call or the token that trying
    // again will not change (channel_not_found, not_in_channel, invalid_auth, account_inactive, msg_too_long...).
    private static readonly HashSet<string> TransientErrors = new(StringComparer.Ordinal)
    {
        "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "timed out", "HTTP 408",
    };

    // Errors that say the token or the app cannot post at all: every message would fail the same way.
    private static readonly HashSet<string> TokenErrors = new(StringComparer.Ordinal)
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope", "no_permission", "org_login_required",
        "team_access_not_granted", "ekm_access_denied",
    };

    public string Method => method;
    public string Error => error;
    public string? Needed => needed;

    /// <summary>For a 429: Slack's Retry-After.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>No answer came back (the connection dropped, the call timed out): the call may have taken effect.</summary>
    public bool InDoubt { get; init; }

    /// <summary>Trying the same call again later may succeed: a rate limit, Slack's own trouble, an unreachable or silent server.</summary>
    public bool Transient => InDoubt || TransientErrors.Contains(error) || error.StartsWith("HTTP 5", StringComparison.Ordinal) || error.StartsWith("cannot reach", StringComparison.Ordinal);

    /// <summary>The token or the app is refused as a whole: nothing will be posted until the user fixes it.</summary>
    public bool TokenRefused => TokenErrors.Contains(error);
}
