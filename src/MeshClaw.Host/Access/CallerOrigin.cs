using System.Security.Claims;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Runs;

namespace MeshClaw.Host.Access;

/// <summary>
/// Turns the authenticated caller into a run's origin. Whether the run is interactive (watched: it keeps going while
/// paused and outside quiet hours) follows from who the caller is: only a principal with the interactive claim (the
/// owner's token, the dashboard) may start one, and its request may ask for less, never for more.
/// </summary>
public static class CallerOrigin
{
    public static RunOrigin Resolve(ClaimsPrincipal caller, string? requested, string? session, string? client)
    {
        var mayWatch = caller.HasClaim(c => c.Type == MeshClawClaims.Interactive && c.Value == "true");
        var wantsWatched = requested is "cli" or "chat" || (requested is null && session is not null);
        if (mayWatch && wantsWatched)
        {
            var kind = requested == "cli" && session is null ? RunTriggerKind.Cli : RunTriggerKind.Chat;
            return new RunOrigin(new RunTrigger(kind, client), Interactive: true);
        }

        return new RunOrigin(new RunTrigger(RunTriggerKind.Api, client), Interactive: false);
    }

    /// <summary>Who answered an approval or paused: the channel and the client as it names itself, behind its credential.</summary>
    public static string Actor(ClaimsPrincipal caller, string? userAgent)
    {
        var channel = caller.FindFirst(MeshClawClaims.Channel)?.Value ?? "unknown";
        return channel == AccessSchemes.Dashboard ? "user:dashboard" : "user:" + (userAgent is { Length: > 0 } ua ? ua.Split(' ')[0] : channel);
    }
}
