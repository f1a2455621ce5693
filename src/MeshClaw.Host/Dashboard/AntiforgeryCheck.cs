using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace MeshClaw.Host.Dashboard;

/// <summary>Every form the dashboard takes must carry the page's antiforgery token; anything else is refused with 403.</summary>
public sealed class AntiforgeryCheck(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Text("the form is missing its CSRF token or it is wrong; reload the page and try again", statusCode: StatusCodes.Status403Forbidden);
            }
        }

        return await next(context);
    }
}
