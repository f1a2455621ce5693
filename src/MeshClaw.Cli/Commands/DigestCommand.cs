using System.CommandLine;
using System.Text.Json;
using MeshClaw.Cli.Output;

namespace MeshClaw.Cli.Commands;

/// <summary><c>meshclaw digest</c>: the inbox agent's latest morning digest.</summary>
public static class DigestCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var agent = new Option<string>("--agent") { DefaultValueFactory = _ => "inbox", Description = "Agent whose digest to show" };
        var command = new Command("digest", "Show the latest digest (what the inbox agent sorted, flagged and drafted)") { agent };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var client = globals.ClientOf(parse);
            var result = await client.GetAsync<JsonElement>($"api/digest?agent={Uri.EscapeDataString(parse.GetValue(agent)!)}", ct);
            if (parse.GetValue(globals.Json))
            {
                Terminal.Json(result);
            }
            else
            {
                Terminal.Line(result.GetProperty("digest").GetString() ?? "");
            }

            return 0;
        }));
        return command;
    }
}
