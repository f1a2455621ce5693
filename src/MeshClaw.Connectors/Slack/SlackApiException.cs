namespace MeshClaw.Connectors.Slack;

/// <summary>
/// A Web API call answered <c>"ok": false</c> (or could not be made): the method, Slack's error code and, for
/// <c>missing_scope</c>, the scope it needed.
/// </summary>
public sealed class SlackApiException(string method, string error, string? needed = null, Exception? inner = null)
    : Exception($"{method}: {error}{(needed is null ? "" : $" (needs {needed})")}", inner)
{
    public string Method => method;
    public string Error => error;
    public string? Needed => needed;
}
