using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Security;
using MeshClaw.Host.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw connect NAME</c>: one subcommand per module that connects to an account (email today), its flags
/// taken from the module. Each asks for what it needs, checks it for real, and saves nothing when the check fails.
/// </summary>
public static class ConnectCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("connect", "Connect MeshClaw to your accounts");
        foreach (var connect in MeshClawModules.All.Select(m => m.Connect).OfType<IConnectCommand>())
        {
            command.Subcommands.Add(Subcommand(globals, connect));
        }

        return command;
    }

    private static Command Subcommand(GlobalOptions globals, IConnectCommand connect)
    {
        var options = connect.Options.ToDictionary(o => o.Name, o => new Option<string?>("--" + o.Name)
        {
            Description = o.Description,
            Required = o.Required,
            DefaultValueFactory = o.Default is { } value ? _ => value : null,
        });
        var command = new Command(connect.Name, connect.Description);
        foreach (var option in options.Values)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            using var offline = globals.OfflineOf(parse);
            var input = new ConnectInput(options.ToDictionary(o => o.Key, o => parse.GetValue(o.Value)));
            var context = new ConnectContext(globals.HomeOf(parse), offline.GetRequiredService<ISecretStore>(), MeshClawModules.Sections, new TerminalConsole());
            return await connect.RunAsync(input, context, ct);
        }));
        return command;
    }

    internal sealed class TerminalConsole : IConnectConsole
    {
        public string ReadSecret(string name) => SecretsCommand.ReadValue(name);

        public void Line(string text) => Terminal.Line(text);

        public void Error(string text) => Terminal.Error(text);
    }
}
