using System.Net;
using MeshClaw.Core.Home;
using MeshClaw.Host.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshClaw.Host.Access;

/// <summary>
/// ASP.NET Core's own security plumbing for the gateway: an authentication scheme and a policy per door, antiforgery
/// for the dashboard's forms, host filtering against DNS rebinding, and security headers on every answer.
/// </summary>
public static class AccessServices
{
    public const string CsrfField = "csrf";
    public const string SessionCookie = "meshclaw_session";

    /// <summary>The Content-Security-Policy on every answer: everything from this gateway only, no inline script or style, no frames, no remote image.</summary>
    public const string Csp = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'";

    public static IServiceCollection AddMeshClawAccess(this IServiceCollection services, MeshClawHome home, MeshClawConfig config)
    {
        // The keys that protect session cookies live in the (owner-only) home folder, so a restart keeps people signed in.
        services.AddDataProtection().SetApplicationName("meshclaw").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(home.Root, "keys")));
        services.AddSingleton<DashboardTicketStore>();
        services.AddSingleton<SignInCodes>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AccessTokenHandler>(AccessSchemes.Api, _ => { })
            .AddScheme<AuthenticationSchemeOptions, SlackSignatureHandler>(AccessSchemes.Slack, _ => { })
            .AddCookie(AccessSchemes.Dashboard, o =>
            {
                o.Cookie.Name = SessionCookie;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.Events.OnRedirectToLogin = context =>
                {
                    // A page asked for in a browser goes to the sign-in page; anything else is plainly refused.
                    if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                    {
                        context.Response.Redirect("/login");
                    }
                    else
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }

                    return Task.CompletedTask;
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(AccessSchemes.Dashboard)
            .Configure<DashboardTicketStore>((o, store) => o.SessionStore = store);
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessSchemes.Api, p => p.AddAuthenticationSchemes(AccessSchemes.Api).RequireAuthenticatedUser().RequireClaim(MeshClawClaims.Channel, AccessSchemes.Api))
            .AddPolicy(AccessSchemes.Dashboard, p => p.AddAuthenticationSchemes(AccessSchemes.Dashboard).RequireAuthenticatedUser().RequireClaim(MeshClawClaims.Channel, AccessSchemes.Dashboard))
            .AddPolicy(AccessSchemes.Slack, p => p.AddAuthenticationSchemes(AccessSchemes.Slack).RequireAuthenticatedUser().RequireClaim(MeshClawClaims.Channel, AccessSchemes.Slack))
            // A route that forgot its policy is closed, not open.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(AccessSchemes.Api).RequireAuthenticatedUser().Build());
        services.AddAntiforgery(o =>
        {
            o.FormFieldName = CsrfField;
            o.Cookie.Name = "meshclaw_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        services.AddHostFiltering(o =>
        {
            o.AllowedHosts = AllowedHosts(config.BindAddress);
            o.IncludeFailureMessage = false;
        });
        return services;
    }

    /// <summary>The names this gateway answers to: loopback's, and the bind address when it is a specific one.</summary>
    private static List<string> AllowedHosts(string bind)
    {
        var hosts = new List<string> { "127.0.0.1", "localhost", "[::1]" };
        if (IPAddress.TryParse(bind, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            // Listening on every interface (doctor flags it): no name can be known in advance.
            return ["*"];
        }

        if (!hosts.Contains(bind, StringComparer.OrdinalIgnoreCase))
        {
            hosts.Add(bind);
        }

        return hosts;
    }

    public static WebApplication UseMeshClawAccess(this WebApplication app)
    {
        app.UseHostFiltering();
        app.Use(SecurityHeaders);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        // Server-rendered pages with the gateway's own stylesheet and scripts (live approvals and chat, over its own event
        // streams), and nothing inline: nothing else may load, connect, frame or be sniffed, so mail or model output
        // that reaches a page can neither fetch a remote image (a read receipt) nor run or style anything.
        headers.ContentSecurityPolicy = Csp;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next();
    }
}
