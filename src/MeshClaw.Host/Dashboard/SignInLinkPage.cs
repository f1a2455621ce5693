using MeshClaw.Core.Audit;
using MeshClaw.Host.Access;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// <c>GET /login/link?code=...</c>: exchanges a one-time code from <c>meshclaw dashboard</c> for the usual session
/// cookie and goes to the home page. A used, expired or unknown code gets the sign-in page saying so.
/// </summary>
public static class SignInLinkPage
{
    public static void MapSignInLink(this IEndpointRouteBuilder app) =>
        app.MapGet("/login/link", async Task<IResult> (HttpContext http, SignInCodes codes, IAuditLog audit) =>
        {
            var remote = http.Connection.RemoteIpAddress?.ToString();
            if (!await codes.RedeemAsync(http.Request.Query["code"].ToString(), http.RequestAborted))
            {
                await audit.AppendAsync(new AuditEvent("dashboard.sign-in-link-refused", "dashboard", null, new { remote }), CancellationToken.None);
                return await DashboardPage.RenderAsync(http, Login.Create(new LoginView(
                    "This sign-in link has already been used or has expired: a link works once, within "
                    + $"{SignInCodes.Lifetime.TotalMinutes:0} minutes. Run `meshclaw dashboard` for a new one, or sign in with the access token (`meshclaw token show`).")),
                    StatusCodes.Status400BadRequest);
            }

            await http.SignInAsync(AccessSchemes.Dashboard, DashboardPrincipal.Owner(), new AuthenticationProperties { IsPersistent = true });
            await audit.AppendAsync(new AuditEvent("dashboard.signed-in", "dashboard", null, new { by = "link", remote }), CancellationToken.None);
            return Results.LocalRedirect("/");
        }).AllowAnonymous();
}
