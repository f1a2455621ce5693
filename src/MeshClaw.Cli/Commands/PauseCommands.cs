using System.CommandLine;
using MeshClaw.Cli.Output;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw pause</c> and <c>resume</c>: the kill switch for everything autonomous.</summary>
public static class PauseCommands
{
    public static Command Pause(GlobalOptions globals)
    {
        var command = new Command("pause", "Stop all autonomous activity now (running autonomous runs are cancelled); chat stays on");
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            await client.PostAsync<System.Text.Json.JsonElement>("api/pause", new { }, ct);
            Terminal.Line("MeshClaw is paused. Resume with: meshclaw resume");
            return 0;
        }));
        return command;
    }

    public static Command Resume(GlobalOptions globals)
    {
        var command = new Command("resume", "Let autonomous activity run again");
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            await client.PostAsync<System.Text.Json.JsonElement>("api/resume", new { }, ct);
            Terminal.Line("MeshClaw resumed.");
            return 0;
        }));
        return command;
    }
}
