using System.Net;
using MeshClaw.Models.Providers;

namespace MeshClaw.Models.Pipeline;

/// <summary>Reads a failed model call: worth retrying on the same model (429, 5xx, a truncated reply, no connection, a timeout), and after how long.</summary>
public static class ModelFailure
{
    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, (HttpStatusCode)529, // Anthropic: overloaded
    ];

    public static bool IsTransient(Exception exception, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case ModelProviderException provider:
                    retryAfter = provider.RetryAfter;
                    return Transient.Contains(provider.Status);
                case ModelReplyException reply:
                    // A cut reply is a server or network failure like a 5xx; a reply that is not the protocol will not
                    // become one by asking again (a proxy's page, a wrong URL), so it goes to the next model.
                    return reply.Fault == ModelReplyFault.Truncated;
                case HttpRequestException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
