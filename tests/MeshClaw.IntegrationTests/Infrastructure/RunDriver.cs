using System.Net.Http.Json;
using System.Text.Json;
using MeshClaw.Core.Approvals;
using MeshClaw.Host.Api;

namespace MeshClaw.IntegrationTests.Infrastructure;

/// <summary>
/// Starts a run through the streaming API and answers every approval it asks for with the given decision,
/// as a user at the dashboard would. Returns the finished run and the approvals it asked for.
/// </summary>
public static class RunDriver
{
    public static async Task<(RunView Run, IReadOnlyList<Approval> Asked)> RunAsync(HttpClient client, string agent, string message, bool approve = false, string trigger = "api", string? session = null)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            return await DriveAsync(client, agent, message, approve, trigger, session, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new TimeoutException($"the run of {agent} did not finish within 90 s (an approval it waits for may not have reached the stream)");
        }
    }

    private static async Task<(RunView Run, IReadOnlyList<Approval> Asked)> DriveAsync(HttpClient client, string agent, string message, bool approve, string trigger, string? session, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/runs", UriKind.Relative))
        {
            Content = JsonContent.Create(new StartRunBody(agent, message, session, Stream: true, Trigger: session is null ? trigger : "chat"), options: ApiJson.Options),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the run of {agent} did not start: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var asked = new List<Approval>();
        var name = "";
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
                continue;
            }

            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[6..];
            if (name == "approval")
            {
                var approval = JsonSerializer.Deserialize<Approval>(data, ApiJson.Options)!;
                asked.Add(approval);
                var verb = approve ? "approve" : "deny";
                using var answer = await client.PostAsJsonAsync(new Uri($"api/approvals/{approval.Id}/{verb}", UriKind.Relative), new { }, ApiJson.Options, ct);
                answer.EnsureSuccessStatusCode();
            }
            else if (name == "done")
            {
                return (JsonSerializer.Deserialize<RunView>(data, ApiJson.Options)!, asked);
            }
        }

        throw new InvalidOperationException($"the stream of {agent}'s run ended without a done event");
    }
}
