using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshClaw.Host.Api;

/// <summary>The JSON shape of the HTTP API, shared by the gateway (for every endpoint) and the CLI.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.WriteIndented = false;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }
}
