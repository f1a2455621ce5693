using System.Security.Claims;
using System.Text.Encodings.Web;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshClaw.Host.Access;

/// <summary>
/// Slack's door: the body is read (up to 1 MB), checked against <c>X-Slack-Signature</c> with the signing secret
/// (constant-time) and the timestamp window, and put back for the endpoint. No signing secret set: the door is shut.
/// </summary>
public sealed class SlackSignatureHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ICurrentConfig config, ISecretStore secrets, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const int MaxBody = 1 << 20;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = config.Sections.Get<SlackSettings>();
        if (secrets.Get(settings.SigningSecret) is not { Length: > 0 } secret)
        {
            return AuthenticateResult.Fail($"Slack's Events API is not set up (no secret {settings.SigningSecret})");
        }

        if (Request.ContentLength > MaxBody)
        {
            return AuthenticateResult.Fail("the request is too large");
        }

        Request.EnableBuffering(MaxBody);
        using var buffer = new MemoryStream();
        await Request.Body.CopyToAsync(buffer, Context.RequestAborted);
        Request.Body.Position = 0;
        if (buffer.Length > MaxBody)
        {
            return AuthenticateResult.Fail("the request is too large");
        }

        var refused = SlackSignature.Check(secret, Request.Headers["X-Slack-Request-Timestamp"], Request.Headers["X-Slack-Signature"],
            buffer.GetBuffer().AsSpan(0, (int)buffer.Length), time.GetUtcNow());
        if (refused is not null)
        {
            return AuthenticateResult.Fail(refused);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "slack"), new Claim(MeshClawClaims.Channel, AccessSchemes.Slack)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = 401, Title = "Unauthorized", Detail = $"not a verified Slack request: {result.Failure?.Message ?? "unsigned"}",
        });
    }
}
