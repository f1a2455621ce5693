using MeshClaw.Connectors.Email;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Api;
using MeshClaw.Host.Approvals;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Dashboard;
using MeshClaw.Host.Home;
using MeshClaw.Host.Inbox;
using MeshClaw.Host.Journal;
using MeshClaw.Host.Runs;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Scheduling;
using MeshClaw.Host.Tools;
using MeshClaw.Host.Tools.Delegation;
using MeshClaw.Storage.Approvals;
using MeshClaw.Storage.Audit;
using MeshClaw.Storage.Insights;
using MeshClaw.Storage.Journal;
using MeshClaw.Storage.Memory;
using MeshClaw.Storage.Runs;
using MeshClaw.Storage.Secrets;
using MeshClaw.Storage.Settings;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Triage;
using MeshClaw.Storage.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// <c>meshclaw up</c>: the long-running gateway. Prepares the home folder and database, reconciles the journal,
/// then serves the API on the configured loopback address until Ctrl-C or SIGTERM, when runs in flight are
/// cancelled (or parked, when waiting for an approval) and recorded as such.
/// </summary>
public static class GatewayServer
{
    public static async Task<int> RunAsync(GatewayOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var home = options.Home;
        home.EnsureCreated();
        if (!File.Exists(home.ConfigFile))
        {
            await File.WriteAllTextAsync(home.ConfigFile, DefaultConfig.Json, cancellationToken);
        }

        MeshClawConfig config;
        try
        {
            config = ConfigLoader.Load(home.ConfigFile);
        }
        catch (ConfigException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }

        using var telemetry = TelemetryExport.Start(config);
        var database = new SqliteDatabase(home.Database);
        await database.InitializeAsync(cancellationToken);
        var secrets = new FileSecretStore(home.Root);
        var token = AccessToken.LoadOrCreate(secrets, out var tokenValue, out var tokenCreated);
        var time = TimeProvider.System;
        var runs = new SqliteRunStore(database);
        var interrupted = await runs.MarkInterruptedAsync(time.GetUtcNow(), cancellationToken);
        var port = options.Port ?? config.Port;

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{config.BindAddress}:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        Register(builder.Services, home, config, database, secrets, token, runs, time);

        await using var app = builder.Build();
        app.UseMiddleware<AccessTokenAuthentication>();
        app.UseMiddleware<DashboardAuthentication>();
        app.MapInfoEndpoints();
        app.MapRunEndpoints();
        app.MapSecurityEndpoints();
        app.MapLoginPages();
        app.MapHomePage();
        app.MapRunsPages();
        app.MapApprovalsPage();
        app.MapUsagePage();
        app.MapWastePage();
        app.MapAgentsPage();

        var services = app.Services;
        var coordinator = services.GetRequiredService<RunCoordinator>();
        var pause = services.GetRequiredService<PauseSwitch>();
        await services.GetRequiredService<SqliteStandingRules>().LoadAsync(cancellationToken);
        await pause.LoadAsync(cancellationToken);
        pause.Paused += () => coordinator.CancelAutonomous();
        var reconciled = await services.GetRequiredService<JournalReconciler>().ReconcileAsync(cancellationToken);
        app.Lifetime.ApplicationStopping.Register(coordinator.BeginShutdown);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await output.WriteLineAsync($"error: cannot listen on {config.BindAddress}:{port}: {ex.Message} (is another gateway running? use --port)");
            return 3;
        }

        var audit = services.GetRequiredService<IAuditLog>();
        await audit.AppendAsync(new AuditEvent("gateway.started", "meshclaw", null, new { port, bind = config.BindAddress, GatewayInfo.Version, auditEnabled = config.AuditEnabled }), cancellationToken);
        await services.GetRequiredService<HomeChangeAuditor>().CheckAsync(cancellationToken);
        var parked = await coordinator.ResumeParkedAsync(cancellationToken);
        var url = $"http://{config.BindAddress}:{port}";
        new GatewayFile(url, Environment.ProcessId, time.GetUtcNow()).Write(home.GatewayFile);
        await StartupReport.WriteAsync(output, new StartupReport(url, home, tokenCreated ? tokenValue : null, interrupted, parked, reconciled, config, pause.IsPaused));
        var stopping = app.Lifetime.ApplicationStopping;
        var scheduler = services.GetRequiredService<TriggerScheduler>();
        var schedules = scheduler.RunAsync(config.SchedulerTick, stopping);
        var watcher = config.Email.Accounts.Count > 0 ? services.GetRequiredService<MailWatcher>().RunAsync(config.Email.PollEvery, stopping) : Task.CompletedTask;
        var purge = config.Email.Accounts.Count > 0 ? services.GetRequiredService<QuarantinePurge>().RunPeriodicallyAsync(TimeSpan.FromHours(6), stopping) : Task.CompletedTask;
        await app.WaitForShutdownAsync(cancellationToken);
        await Task.WhenAll(schedules, watcher, purge);
        await coordinator.DrainAsync(TimeSpan.FromSeconds(10));
        await services.GetRequiredService<MailConnections>().DisposeAsync();
        await audit.AppendAsync(new AuditEvent("gateway.stopped", "meshclaw", null, new { }), CancellationToken.None);
        File.Delete(home.GatewayFile);
        return 0;
    }

    private static void Register(IServiceCollection services, MeshClawHome home, MeshClawConfig config, SqliteDatabase database, FileSecretStore secrets,
        AccessToken token, SqliteRunStore runs, TimeProvider time)
    {
        services.AddSingleton(home);
        services.AddSingleton(time);
        services.AddSingleton(token);
        services.AddSingleton(database);
        services.AddSingleton(secrets);
        services.AddSingleton<ISecretStore>(secrets);
        services.AddSingleton<IRunStore>(runs);
        services.AddSingleton<IUsageLedger, SqliteUsageLedger>();
        services.AddSingleton<SqliteActionJournal>();
        services.AddSingleton<SqliteApprovalStore>();
        services.AddSingleton<SqliteStandingRules>();
        services.AddSingleton<SqliteSettings>();
        services.AddSingleton<SqliteMemoryStore>();
        services.AddSingleton<RedactorSource>();
        services.AddSingleton(sp => new SqliteAuditLog(database, time, sp.GetRequiredService<RedactorSource>().Current));
        services.AddSingleton<IAuditLog>(sp => config.AuditEnabled ? sp.GetRequiredService<SqliteAuditLog>() : new DisabledAuditLog());
        services.AddSingleton(sp => new ConfigSource(home.ConfigFile, secrets, sp.GetRequiredService<IUsageLedger>(), time, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<PauseSwitch>();
        services.AddSingleton<HomeChangeAuditor>();
        services.AddSingleton<SqliteTriageStore>();
        services.AddSingleton<InboxTriage>();
        services.AddSingleton<TriggerScheduler>();
        services.AddSingleton<MailWatcher>();
        services.AddSingleton<QuarantinePurge>();
        services.AddSingleton<SqliteInsights>();
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton(sp => new ApprovalBroker(sp.GetRequiredService<SqliteApprovalStore>(), sp.GetRequiredService<SqliteStandingRules>(),
            sp.GetRequiredService<IAuditLog>(), time, () => sp.GetRequiredService<ConfigSource>().Current().Config.Policy));
        services.AddSingleton(new MailConnections(secrets.Get));
        services.AddSingleton(sp => new ToolCatalogFactory(home, sp.GetRequiredService<SqliteMemoryStore>(), sp.GetRequiredService<MailConnections>(), secrets.Get,
            () => sp.GetRequiredService<RunCoordinator>()));
        services.AddSingleton<RunCoordinator>();
        services.AddSingleton<ISubagentRunner>(sp => sp.GetRequiredService<RunCoordinator>());
        services.AddSingleton<UndoService>();
        services.AddSingleton<JournalReconciler>();
    }
}
