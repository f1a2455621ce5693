namespace MeshClaw.Host.Access;

/// <summary>
/// One authentication scheme and one authorization policy per kind of door. Every endpoint belongs to exactly one;
/// the machine endpoints to come (<c>/slack/*</c>, <c>/hooks/*</c>, <c>/mcp</c>) each get their own.
/// </summary>
public static class AccessSchemes
{
    /// <summary>The HTTP API: <c>Authorization: Bearer</c> with the access token.</summary>
    public const string Api = "api";

    /// <summary>The dashboard: a server-side session behind an HttpOnly, SameSite=Strict cookie.</summary>
    public const string Dashboard = "dashboard";

    /// <summary>Slack's Events API: a request signed with the app's signing secret (v0), timestamp within five minutes.</summary>
    public const string Slack = "slack";
}
