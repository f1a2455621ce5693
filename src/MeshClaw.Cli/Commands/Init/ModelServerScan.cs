using System.Net.Http.Json;
using System.Text.Json;

namespace MeshClaw.Cli.Commands.Init;

/// <summary>A model server found on a loopback port, with the models it serves.</summary>
public sealed record FoundServer(string Product, Uri BaseUrl, IReadOnlyList<string> Models);

/// <summary>
/// Looks for local model servers on their usual loopback ports through the OpenAI-compatible <c>GET /v1/models</c>
/// that Ollama, llama.cpp's server, LM Studio and vLLM all answer. Ports are asked in parallel with a short timeout,
/// so a machine with nothing running answers within about a second.
/// </summary>
public static class ModelServerScan
{
    public static readonly IReadOnlyDictionary<int, string> UsualPorts = new Dictionary<int, string>
    {
        [11434] = "Ollama",
        [8080] = "llama.cpp",
        [1234] = "LM Studio",
        [8000] = "vLLM",
    };

    public static async Task<IReadOnlyList<FoundServer>> ScanAsync(IEnumerable<int> ports, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1.5) };
        var probes = ports.Distinct().Select(port => ProbeAsync(http, port, cancellationToken)).ToList();
        return [.. (await Task.WhenAll(probes)).OfType<FoundServer>()];
    }

    private static async Task<FoundServer?> ProbeAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{port}/v1");
        try
        {
            using var document = await http.GetFromJsonAsync<JsonDocument>(baseUrl + "/models", cancellationToken);
            if (document?.RootElement.TryGetProperty("data", out var data) != true || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var models = data.EnumerateArray()
                .Select(model => model.TryGetProperty("id", out var id) ? id.GetString() : null)
                .OfType<string>()
                .ToList();
            return new FoundServer(UsualPorts.GetValueOrDefault(port, "a model server"), baseUrl, models);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException
            && !cancellationToken.IsCancellationRequested)
        {
            // Nothing there, or something that is not a model server: not a finding.
            return null;
        }
    }
}
