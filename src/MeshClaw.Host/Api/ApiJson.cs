using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshClaw.Host.Api;

/// <summary>The JSON shape of the HTTP API, shared by the gateway and the CLI.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = false };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }
}
