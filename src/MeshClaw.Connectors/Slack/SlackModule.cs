using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Connectors.Slack;

/// <summary>
/// Slack: the Web API client, the Slack tools, the Socket Mode listener that lets allow-listed people talk to the
/// assistant agent (and the owner pause and resume MeshClaw from the DM), the posture check, and <c>meshclaw connect slack</c>.
/// </summary>
public sealed class SlackModule : IMeshClawModule
{
    public string Name => "slack";
    public IReadOnlyList<IConfigSection> ConfigSections { get; } = [new SlackConfigSection()];
    public IConnectCommand? Connect { get; } = new SlackConnect();

    public void Register(MeshClawBuilder builder)
    {
        var services = builder.Services;
        // Rate tiers are kept on the wall clock whatever MeshClaw's clock is: Slack counts on its own.
        services.AddSingleton(sp => new SlackConnections(sp.GetRequiredService<ISecretStore>().Get, TimeProvider.System));
        services.AddSingleton<IToolSource, SlackToolSource>();
        services.AddSingleton<SlackInbox>();
        services.AddHostedService<SocketModeListener>();
        services.AddSingleton<SlackApprovals>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackApprovals>());
        services.AddSingleton<SlackDeliveryHealth>();
        services.AddSingleton<SlackOutboxDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackOutboxDelivery>());
        services.AddSingleton<IDoctorCheck, SlackDoctor>();
        services.AddSingleton<IConnectorStatus, SlackStatus>();
    }
}
