using System.CommandLine;
using MeshClaw.Host.Gateway;

namespace MeshClaw.Cli.Commands;

public static class UpCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var port = new Option<int?>("--port") { Description = "Port on 127.0.0.1 (default: config.json's port, else 7788)" };
        var command = new Command("up", "Start the MeshClaw gateway (API on 127.0.0.1) and keep it running until Ctrl-C") { port };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(() =>
            GatewayServer.RunAsync(new GatewayOptions(globals.HomeOf(parse), parse.GetValue(port)), Console.Out, ct)));
        return command;
    }
}
