using MeshClaw.Core.Approvals;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Events;
using MeshClaw.Core.Home;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Agents;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Doctor;
using MeshClaw.Host.Journal;
using MeshClaw.Host.Modules;
using MeshClaw.Host.Runs;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClaw.Host.Composition;

/// <summary>
/// The one composition root: <c>services.AddMeshClaw(home).UseSqlite().AddModules()</c> wires the gateway, the tests,
/// the benchmarks and the CLI's offline commands alike. The store comes from its own <c>Use...</c> call.
/// </summary>
public static class MeshClawServices
{
    public static MeshClawBuilder AddMeshClaw(this IServiceCollection services, MeshClawHome home, TimeProvider? time = null)
    {
        services.AddSingleton(home);
        services.TryAddSingleton(time ?? TimeProvider.System);
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        services.AddSingleton<IEventStream, EventHub>();
        services.AddSingleton<RedactorSource>();
        services.AddSingleton<ISecretRedactor>(sp => sp.GetRequiredService<RedactorSource>());
        services.AddSingleton(sp => new ConfigSource(home.ConfigFile, sp.GetRequiredService<ISecretStore>(), sp.GetRequiredService<IUsageLedger>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ISecretRedactor>()));
        services.AddSingleton<ICurrentConfig>(sp => sp.GetRequiredService<ConfigSource>());
        services.AddSingleton<AgentCatalogSource>();
        services.AddSingleton<AgentValidator>();
        services.AddSingleton<HomeChangeAuditor>();

        // The security core.
        services.AddSingleton<IPauseSwitch, PauseSwitch>();
        services.AddSingleton<IApprovalBroker>(sp => new ApprovalBroker(sp.GetRequiredService<IApprovalStore>(), sp.GetRequiredService<IStandingRules>(),
            sp.GetRequiredService<Core.Audit.IAuditLog>(), sp.GetRequiredService<IEventStream>(), sp.GetRequiredService<TimeProvider>(),
            () => sp.GetRequiredService<ConfigSource>().Current().Config.Policy));
        services.AddSingleton<IToolCallGate>(sp => new PolicyGate(() => sp.GetRequiredService<ConfigSource>().Current().Config.Policy,
            sp.GetRequiredService<IStandingRules>(), sp.GetRequiredService<IPauseSwitch>(), sp.GetRequiredService<IActionRates>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ToolCallExecutor>();
        services.AddSingleton<GrantBook>();
        services.AddHostedService<GrantSweeper>();
        services.AddHostedService<Budgets.BudgetNotices>();
        services.AddSingleton<Core.Channels.Alerts.IAlerts, Core.Channels.Alerts.OutboxAlerts>();
        services.AddSingleton<RefusalAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<RefusalAudit>());

        // Runs.
        services.AddSingleton<RunLifecycle>();
        services.AddSingleton(new AgentLoopOptions());
        services.AddSingleton<IRunProcedure, AgentLoop>();
        services.AddSingleton<IToolSource, CoreToolSource>();
        services.AddSingleton<ToolCatalogProvider>();
        services.AddSingleton<RunCoordinator>();
        services.AddSingleton<ISubagentRunner>(sp => sp.GetRequiredService<RunCoordinator>());
        services.AddSingleton<IRunStarter, ChannelRunStarter>();
        services.AddSingleton<UndoService>();
        services.AddSingleton<JournalReconciler>();
        services.AddSingleton<PostureDoctor>();
        return new MeshClawBuilder(services, home);
    }

    /// <summary>Adds MeshClaw's capability modules (all of them by default): their tools, procedures, listeners, jobs and checks.</summary>
    public static MeshClawBuilder AddModules(this MeshClawBuilder builder, IEnumerable<IMeshClawModule>? modules = null)
    {
        foreach (var module in modules ?? MeshClawModules.All)
        {
            builder.Services.AddSingleton(module);
            module.Register(builder);
        }

        return builder;
    }
}
