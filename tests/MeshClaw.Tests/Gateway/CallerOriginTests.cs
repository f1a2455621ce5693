using System.Security.Claims;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Access;

namespace MeshClaw.Tests.Gateway;

/// <summary>Whether a run is watched (interactive) follows from the caller, and the request can only ask for less.</summary>
public sealed class CallerOriginTests
{
    private static ClaimsPrincipal Caller(bool mayWatch) => new(new ClaimsIdentity(
        mayWatch ? [new Claim(MeshClawClaims.Channel, AccessSchemes.Api), new Claim(MeshClawClaims.Interactive, "true")] : [new Claim(MeshClawClaims.Channel, "mcp")], "test"));

    [Theory]
    [InlineData(true, "cli", null, RunTriggerKind.Cli, true)]
    [InlineData(true, "chat", "s1", RunTriggerKind.Chat, true)]
    [InlineData(true, null, "s1", RunTriggerKind.Chat, true)]
    [InlineData(true, "api", null, RunTriggerKind.Api, false)]
    [InlineData(true, null, null, RunTriggerKind.Api, false)]
    [InlineData(false, "chat", "s1", RunTriggerKind.Api, false)]
    [InlineData(false, "cli", null, RunTriggerKind.Api, false)]
    public void RequestCanLowerButNeverRaise_TheCallersInteractivity(bool mayWatch, string? requested, string? session, RunTriggerKind kind, bool interactive)
    {
        var origin = CallerOrigin.Resolve(Caller(mayWatch), requested, session, "meshclaw-cli/1.0");

        Assert.Equal((kind, interactive), (origin.Trigger.Kind, origin.Interactive));
    }
}
