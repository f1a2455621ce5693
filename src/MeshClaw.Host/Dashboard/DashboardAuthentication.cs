using Microsoft.AspNetCore.Http;

namespace MeshClaw.Host.Dashboard;

/// <summary>
/// Guards every page that is not the API: a signed-in session is needed (GET without one goes to the sign-in page,
/// anything else gets 401), and every form post must carry the session's CSRF token (403 otherwise).
/// </summary>
public sealed class DashboardAuthentication(RequestDelegate next, DashboardSessions sessions)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.Ordinal) || path.Equals("/health", StringComparison.Ordinal) || path.Equals("/login", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }

        var session = sessions.Find(http.Request.Cookies[DashboardSessions.Cookie]);
        if (session is null)
        {
            if (HttpMethods.IsGet(http.Request.Method))
            {
                http.Response.Redirect("/login");
            }
            else
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await http.Response.WriteAsync("sign in first");
            }

            return;
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
            if (!session.CsrfMatches(form?["csrf"].ToString()))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await http.Response.WriteAsync("the form is missing its CSRF token or it is wrong; reload the page and try again");
                return;
            }
        }

        http.Items[typeof(DashboardSession)] = session;
        await next(http);
    }
}
