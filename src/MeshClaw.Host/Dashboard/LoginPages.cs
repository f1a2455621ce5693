using System.Security.Claims;
using MeshClaw.Core.Audit;
using MeshClaw.Host.Access;
using MeshClaw.Host.Dashboard.Slices;
using MeshClaw.Host.Dashboard.Views;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>Sign in with the access token; a server-side session behind a cookie afterwards. Sign-out ends the session.</summary>
public static class LoginPages
{
    public static void MapLoginPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", Task<IResult> (HttpContext http) => DashboardPage.RenderAsync(http, Login.Create(new LoginView(null)))).AllowAnonymous();
        app.MapPost("/login", async Task<IResult> (HttpContext http, AccessToken token, IAuditLog audit) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (!token.Matches(form["token"].ToString().Trim()))
            {
                await audit.AppendAsync(new AuditEvent("dashboard.sign-in-refused", "dashboard", null, new { remote = http.Connection.RemoteIpAddress?.ToString() }), CancellationToken.None);
                return await DashboardPage.RenderAsync(http, Login.Create(new LoginView(
                    "That is not the access token. It was shown when MeshClaw first started; `meshclaw secrets list` shows it is stored.")), StatusCodes.Status401Unauthorized);
            }

            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, MeshClawClaims.Owner), new Claim(MeshClawClaims.Channel, AccessSchemes.Dashboard), new Claim(MeshClawClaims.Interactive, "true")],
                AccessSchemes.Dashboard);
            await http.SignInAsync(AccessSchemes.Dashboard, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
            return Results.LocalRedirect("/");
        }).AllowAnonymous();
    }

    /// <summary>Sign-out is a dashboard form like any other: signed in, with the form token.</summary>
    public static void MapLogout(this RouteGroupBuilder pages) =>
        pages.MapPost("/logout", async Task<IResult> (HttpContext http) =>
        {
            await http.SignOutAsync(AccessSchemes.Dashboard);
            return Results.LocalRedirect("/login");
        });
}
