using MeshClaw.Cli.Output;
using MeshClaw.Core.Home;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Security;
using MeshClaw.Host.Modules;
using Spectre.Console;

namespace MeshClaw.Cli.Commands.Init;

/// <summary>
/// Offers every module's <c>connect</c> during init: asked one by one when init may ask, listed as commands to run
/// later when it may not. Slack and the calendar are named as not there yet rather than silently left out.
/// </summary>
public static class InitConnect
{
    public static async Task OfferAsync(MeshClawHome home, ISecretStore secrets, bool ask, CancellationToken cancellationToken)
    {
        foreach (var connect in MeshClawModules.All.Select(m => m.Connect).OfType<IConnectCommand>())
        {
            var required = string.Join(' ', connect.Options.Where(o => o.Required).Select(o => $"--{o.Name} ..."));
            if (!ask || !AnsiConsole.Confirm($"Connect {connect.Name} now ({connect.Description})?", false))
            {
                Terminal.Line($"connect {connect.Name} later with: ./meshclaw connect {connect.Name} {required}".TrimEnd());
                continue;
            }

            var values = new Dictionary<string, string?>();
            foreach (var option in connect.Options)
            {
                var prompt = new TextPrompt<string>($"{option.Name} ({option.Description}):");
                if (option.Default is { } value)
                {
                    prompt.DefaultValue(value);
                }
                else if (!option.Required)
                {
                    prompt.AllowEmpty();
                }

                var answer = AnsiConsole.Prompt(prompt);
                values[option.Name] = answer.Length == 0 ? null : answer;
            }

            var context = new ConnectContext(home, secrets, MeshClawModules.Sections, new ConnectCommand.TerminalConsole());
            await connect.RunAsync(new ConnectInput(values), context, cancellationToken);
        }

        Terminal.Line("Slack and calendar connectors are not in this version yet.");
    }
}
