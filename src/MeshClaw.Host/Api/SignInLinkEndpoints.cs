using MeshClaw.Core.Audit;
using MeshClaw.Host.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Api;

/// <summary><c>POST /api/dashboard/sign-in-link</c>: a one-time link into the dashboard, for <c>meshclaw dashboard</c>.</summary>
public static class SignInLinkEndpoints
{
    public static void MapSignInLinkEndpoints(this RouteGroupBuilder api) =>
        api.MapPost("/dashboard/sign-in-link", async Task<Ok<SignInLinkView>> (SignInCodes codes, IAuditLog audit, HttpContext http, CancellationToken ct) =>
        {
            var (code, expires) = await codes.MintAsync(ct);
            // The code itself is never recorded: the audit says a link was made, by whom and until when.
            await audit.AppendAsync(new AuditEvent("dashboard.sign-in-link", CallerOrigin.Actor(http.User, http.Request.Headers.UserAgent.ToString()), null, new { expires }), ct);
            var url = $"{http.Request.Scheme}://{http.Request.Host}/login/link?code={Uri.EscapeDataString(code)}";
            return TypedResults.Ok(new SignInLinkView(url, expires));
        });
}

/// <summary>A one-time sign-in link and when it stops working.</summary>
public sealed record SignInLinkView(string Url, DateTimeOffset ExpiresAt);
