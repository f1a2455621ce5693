using MeshClaw.Connectors.Email.Dreaming;
using MeshClaw.Connectors.Email.Inbox;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Connectors.Email;

/// <summary>
/// Email: IMAP/SMTP accounts, the email tools, the built-in inbox agent, the new-mail watcher, the quarantine purge, the dreamer,
/// the mail posture checks and <c>meshclaw connect email</c>.
/// </summary>
public sealed class EmailModule : IMeshClawModule
{
    public string Name => "email";
    public IReadOnlyList<IConfigSection> ConfigSections { get; } = [new EmailConfigSection()];
    public IConnectCommand? Connect { get; } = new EmailConnect();

    public void Register(MeshClawBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => new MailConnections(sp.GetRequiredService<ISecretStore>().Get));
        services.AddSingleton<IToolSource, EmailToolSource>();
        services.AddSingleton<IRunProcedure, InboxTriage>();
        services.AddSingleton<QuarantinePurge>();
        services.AddSingleton<IRunProcedure>(sp => sp.GetRequiredService<QuarantinePurge>());
        services.AddSingleton<ISystemProcedure>(sp => sp.GetRequiredService<QuarantinePurge>());
        services.AddSingleton<Dreamer>();
        services.AddSingleton<IRunProcedure>(sp => sp.GetRequiredService<Dreamer>());
        services.AddSingleton<ISystemProcedure>(sp => sp.GetRequiredService<Dreamer>());
        services.AddHostedService<MailWatcher>();
        services.AddHostedService<FilingFolderWatcher>();
        services.AddSingleton<IDoctorCheck, EmailDoctor>();
        services.AddSingleton<IConnectorStatus, EmailStatus>();
    }
}
