using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Runs;
using MeshClaw.Host.Api;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw run AGENT --message TEXT</c>: one run through the gateway, then its record.</summary>
public static class RunCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var agent = new Argument<string>("agent") { Description = "Agent name" };
        var message = new Option<string>("--message", "-m") { Description = "What to ask the agent", Required = true };
        var command = new Command("run", "Run an agent once and print the run: status, answer, tool calls, usage and cost") { agent, message };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var run = await client.PostAsync<RunView>("api/runs", new StartRunBody(parse.GetValue(agent)!, parse.GetValue(message)!), ct);
            var detail = await client.GetAsync<RunView>($"api/runs/{run.Id}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(detail);
            }
            else
            {
                RunPrinter.Summary(detail, includeAnswer: true);
            }

            return run.Status == RunStatus.Succeeded ? 0 : CommandGuard.Failed;
        }));
        return command;
    }
}
