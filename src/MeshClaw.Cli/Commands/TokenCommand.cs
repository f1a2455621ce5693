using System.CommandLine;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Security;
using MeshClaw.Host.Access;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli.Commands;

/// <summary>
/// <c>meshclaw token show|rotate</c>: access that cannot be lost. The token lives in the home folder's secrets store, so
/// whoever owns the home can always read it again; rotating it ends every dashboard session and the running gateway
/// accepts only the new token from then on.
/// </summary>
public static class TokenCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("token", "Show or rotate the access token of the API and the dashboard");

        var show = new Command("show", "Print the access token (for the dashboard's sign-in, or a script's MESHCLAW_TOKEN)");
        show.SetAction(parse =>
        {
            using var offline = globals.OfflineOf(parse);
            if (offline.GetRequiredService<ISecretStore>().Get(AccessToken.SecretName) is not { } token)
            {
                Terminal.Error("there is no access token yet: it is created when the gateway first starts (meshclaw up), or now with: meshclaw token rotate");
                return CommandGuard.Failed;
            }

            Terminal.Line(token);
            return 0;
        });

        var rotate = new Command("rotate", "Replace the access token: the old one and every dashboard session stop working at once");
        rotate.SetAction(async (parse, ct) =>
        {
            var home = globals.HomeOf(parse);
            home.EnsureCreated();
            await using var offline = globals.OfflineOf(parse);
            await offline.GetRequiredService<Core.Composition.IStoreInitializer>().InitializeAsync(ct);
            var (token, ended) = await TokenRotation.RotateAsync(offline.GetRequiredService<ISecretStore>(), offline.GetRequiredService<ISessionStore>(),
                offline.GetRequiredService<IAuditLog>(), "user:cli", ct);
            Terminal.Line(token);
            Terminal.Note($"the old token no longer works and {ended} dashboard session(s) were ended; the CLI on this machine reads the new token by itself");
            return 0;
        });

        command.Subcommands.Add(show);
        command.Subcommands.Add(rotate);
        return command;
    }
}
