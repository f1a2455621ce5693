using System.Text.Json;
using MeshClaw.Host.Api;

namespace MeshClaw.Host.Gateway;

/// <summary>gateway.json: where the running gateway listens, so the CLI finds it without being told.</summary>
public sealed record GatewayFile(string Url, int Pid, DateTimeOffset StartedAt)
{
    public static GatewayFile? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<GatewayFile>(File.ReadAllText(path), ApiJson.Options) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    public void Write(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, ApiJson.Options));
        File.Move(temp, path, overwrite: true);
    }
}
