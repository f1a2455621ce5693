using MeshClaw.Host.Api;
using Microsoft.AspNetCore.Http;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// Every API route (/api/...) needs the access token as a bearer token; the dashboard's pages need a session
/// (see DashboardAuthentication); only /health is open. The comparison takes the same time whatever the guess.
/// </summary>
public sealed class AccessTokenAuthentication(RequestDelegate next, AccessToken token)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return next(http);
        }

        var header = http.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (header.StartsWith(prefix, StringComparison.Ordinal) && token.Matches(header[prefix.Length..].Trim()))
        {
            return next(http);
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return http.Response.WriteAsJsonAsync(new ApiError("missing or wrong access token: send 'Authorization: Bearer <token>' (the CLI reads it from the home folder)"), ApiJson.Options);
    }
}
