using System.Text.Json;
using MeshClaw.Host.Api;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>Reads the CLI's --json output with the API's own contract types.</summary>
public static class RunJson
{
    public static T Parse<T>(CliResult result) =>
        JsonSerializer.Deserialize<T>(result.Stdout, ApiJson.Options) ?? throw new InvalidOperationException($"no JSON in output:\n{result}");
}
