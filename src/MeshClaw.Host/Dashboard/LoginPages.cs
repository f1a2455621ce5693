using MeshClaw.Host.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Host.Dashboard;

/// <summary>Sign in with the access token; a cookie session afterwards.</summary>
public static class LoginPages
{
    public static void MapLoginPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", () => Page(null));
        app.MapPost("/login", async (HttpContext http, AccessToken token, DashboardSessions sessions) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (!token.Matches(form["token"].ToString().Trim()))
            {
                return Page("That is not the access token. It was shown when MeshClaw first started; `meshclaw secrets list` shows it is stored.", StatusCodes.Status401Unauthorized);
            }

            var session = sessions.Create();
            http.Response.Cookies.Append(DashboardSessions.Cookie, session.Id, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", Expires = session.Expires,
            });
            return Results.Redirect("/");
        });
        app.MapPost("/logout", (HttpContext http, DashboardSessions sessions) =>
        {
            if (http.Items[typeof(DashboardSession)] is DashboardSession session)
            {
                sessions.Remove(session.Id);
            }

            http.Response.Cookies.Delete(DashboardSessions.Cookie);
            return Results.Redirect("/login");
        });
    }

    private static IResult Page(string? error, int status = 200) => Results.Content(Html.Page("Sign in", $$"""
        {{(error is null ? "" : $"<p class=\"bad\">{Html.E(error)}</p>")}}
        <form method="post" action="/login" class="card">
          <label>Access token <input type="password" name="token" id="token" size="60" autofocus></label>
          <button type="submit" id="signin">Sign in</button>
        </form>
        """, null), "text/html; charset=utf-8", statusCode: status);
}
