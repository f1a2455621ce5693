using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Api;

/// <summary>
/// Request errors the client caused (a body too large, too slow, or not JSON) become a problem body in words and one
/// log line, never an unhandled exception with a stack trace in the gateway's log.
/// </summary>
public static partial class RequestErrors
{
    /// <summary>Where a run request leaves the agent it asked for, so a refusal after that can name it.</summary>
    public const string RunAgentKey = "meshclaw.run.agent";

    public static WebApplication UseReadableRequestErrors(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MeshClaw.Requests");
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
                if (http.Response.StatusCode is StatusCodes.Status408RequestTimeout or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType
                    && !http.Response.HasStarted)
                {
                    // The framework refused the body before or while binding it, with an empty answer: say why in words.
                    await ApiProblems.Of(http.Response.StatusCode, Words(http.Response.StatusCode, http)).ExecuteAsync(http);
                }
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                var detail = Words(ex.StatusCode, http);
                Refused(log, http.Request.Method, http.Request.Path.Value, ex.StatusCode, detail);
                await ApiProblems.Of(ex.StatusCode, detail).ExecuteAsync(http);
            }
            catch (Exception ex) when (!http.Response.HasStarted && DiskFull(ex) && app.Services.GetRequiredService<Core.Home.MeshClawHome>() is var home)
            {
                var detail = $"the disk that holds MeshClaw's home ({home.Root}) is full, so nothing can be recorded; free some space and try again";
                Refused(log, http.Request.Method, http.Request.Path.Value, StatusCodes.Status507InsufficientStorage, detail);
                await ApiProblems.Of(StatusCodes.Status507InsufficientStorage, detail).ExecuteAsync(http);
                // The refusal is audited, or held until the audit log can be written again (RefusalAudit).
                await http.RequestServices.GetRequiredService<Safety.RefusalAudit>().RecordAsync(http.Request.Method, http.Request.Path.Value ?? "",
                    StatusCodes.Status507InsufficientStorage, "disk full: " + ex.Message, http.Items[RunAgentKey] as string);
            }
            catch (BadHttpRequestException ex)
            {
                // The answer had started: only the connection can end it; said in one line.
                EndedEarly(log, http.Request.Method, http.Request.Path.Value, ex.Message);
            }
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} refused with {Status}: {Detail}")]
    private static partial void Refused(ILogger log, string method, string? path, int status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} ended early: {Reason}")]
    private static partial void EndedEarly(ILogger log, string method, string? path, string reason);

    /// <summary>A full disk, as SQLite (SQLITE_FULL, 13) or the file system (ENOSPC) reports it, anywhere in the chain.</summary>
    private static bool DiskFull(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            // SQLITE_FULL's own words; the exception's error code is a generic HRESULT.
            if ((ex is System.Data.Common.DbException && ex.Message.Contains("database or disk is full", StringComparison.OrdinalIgnoreCase))
                || (ex is IOException && ex.Message.Contains("No space left on device", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Words(int status, HttpContext http) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => $"the request body is larger than the gateway takes ({Limit(http)})",
        StatusCodes.Status408RequestTimeout => "the request body arrived too slowly; send it again in one go",
        StatusCodes.Status415UnsupportedMediaType => $"the request body must be JSON (Content-Type: application/json), not '{http.Request.ContentType}'",
        _ => "the request could not be read: it was malformed or cut short",
    };

    private static string Limit(HttpContext http) =>
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit ? $"{limit / (1024 * 1024)} MB" : "its limit";
}
