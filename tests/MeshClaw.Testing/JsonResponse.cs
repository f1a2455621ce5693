using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MeshClaw.Testing;

/// <summary>Writes a whole JSON body with a status code; shared by both protocol writers.</summary>
internal static class JsonResponse
{
    // Real APIs send raw UTF-8 and plain quotes rather than \u escapes; match them so captured bodies read naturally.
    public static readonly JsonSerializerOptions WireOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpResponse response, int statusCode, JsonNode body, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(WireOptions), cancellationToken);
    }
}
