using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw status</c>: is the gateway up, and where.</summary>
public static class StatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("status", "Show whether the gateway is running");
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var health = await client.GetAsync<HealthView>("health", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(health);
            }
            else
            {
                Terminal.Line($"gateway {health.Status} at {client.BaseUrl} (version {health.Version}, {health.ActiveRuns} run(s) in flight)");
            }

            return 0;
        }));
        return command;
    }
}
