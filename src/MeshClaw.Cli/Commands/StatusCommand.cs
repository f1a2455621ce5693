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
            var home = globals.HomeOf(parse);
            if (health.Home != home.Id)
            {
                // Another home's gateway answering on this home's address: this home's own is not running.
                Terminal.Error($"the gateway at {client.BaseUrl} serves another home folder, not {home.Root}; this home's gateway is not running (start it with: meshclaw up --home {home.Root})");
                return CommandGuard.Failed;
            }

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
