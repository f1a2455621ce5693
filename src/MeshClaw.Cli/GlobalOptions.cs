using System.CommandLine;
using MeshClaw.Cli.Gateway;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Home;
using MeshClaw.Host.Composition;
using MeshClaw.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Cli;

/// <summary>Options every command understands: where the home folder is, where the gateway is, and JSON output.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Home { get; } = new("--home") { Description = "Home folder (default: $MESHCLAW_HOME, else ~/.meshclaw)", Recursive = true };
    public Option<string?> Url { get; } = new("--url") { Description = "Gateway address (default: from the home folder)", Recursive = true };
    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Home);
        root.Options.Add(Url);
        root.Options.Add(Json);
    }

    public MeshClawHome HomeOf(ParseResult parse) => MeshClawHome.Resolve(parse.GetValue(Home));

    /// <summary>
    /// The gateway's client. Every command that talks to the gateway first says so when config.json does not load: the
    /// gateway then keeps its previous configuration, and an edit silently ignored is worse than a refused one.
    /// </summary>
    public GatewayClient ClientOf(ParseResult parse)
    {
        var home = HomeOf(parse);
        try
        {
            ConfigLoader.Load(home.ConfigFile);
        }
        catch (ConfigException ex)
        {
            Terminal.Warning($"the last edit of config.json was refused, so MeshClaw keeps the configuration it had before: {ex.Message}");
        }

        return GatewayClient.Create(home, parse.GetValue(Url));
    }

    /// <summary>MeshClaw without the gateway, for commands that work on the home folder itself (doctor, audit, secrets, connect).</summary>
    public ServiceProvider OfflineOf(ParseResult parse) => OfflineMeshClaw.Open(HomeOf(parse));
}
