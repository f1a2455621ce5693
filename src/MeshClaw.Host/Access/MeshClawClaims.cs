namespace MeshClaw.Host.Access;

/// <summary>What an authenticated caller may be: the claims MeshClaw's schemes put on a principal.</summary>
public static class MeshClawClaims
{
    /// <summary>Which door the caller came through: <c>api</c> (the access token), <c>dashboard</c> (a signed-in browser).</summary>
    public const string Channel = "meshclaw:channel";

    /// <summary>Present when the caller is the owner at a keyboard, who may start runs that are watched (interactive).</summary>
    public const string Interactive = "meshclaw:interactive";

    public const string Owner = "owner";
}
