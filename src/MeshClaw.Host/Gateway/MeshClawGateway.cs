using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Journal;
using MeshClaw.Host.Runs;
using MeshClaw.Host.Safety;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using MeshClaw.Host.Access;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// The running gateway: prepares the home folder and store, reconciles what a crash left, serves the API and the
/// dashboard on loopback, runs the listeners and jobs, and at the end cancels (or parks) runs in flight and records
/// that it stopped. <c>meshclaw up</c> runs one; an in-process test starts one on a free port with a fake clock.
/// </summary>
public sealed class MeshClawGateway : IAsyncDisposable
{
    private readonly MeterProvider? _telemetry;
    private readonly HomeLock _lock;
    private bool _stopped;
    private bool _disposed;

    private MeshClawGateway(WebApplication app, MeshClawConfig config, StartupReport report, MeterProvider? telemetry, HomeLock homeLock)
    {
        _lock = homeLock;
        App = app;
        Config = config;
        Report = report;
        _telemetry = telemetry;
    }

    public WebApplication App { get; }
    public MeshClawConfig Config { get; }
    public StartupReport Report { get; }
    public IServiceProvider Services => App.Services;
    public Uri Url => new(Report.Url + "/");

    public static async Task<MeshClawGateway> StartAsync(GatewayOptions options, CancellationToken cancellationToken)
    {
        // The credential scanner's first use compiles its matcher (tens of ms): done on the other core while the host
        // builds, instead of on the first audit record or log line of the start-up path.
        _ = Task.Run(() => Core.Security.Credentials.CredentialScanner.Redact("warm-up: token: Zq8xK2mW9vR4tY7uP1sA6dF3"), CancellationToken.None);
        if (options.Home.UnwritableReason() is { } unwritable)
        {
            throw new GatewayStartException(5, unwritable);
        }

        try
        {
            options.Home.EnsureCreated();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GatewayStartException(5, $"the home folder {options.Home.Root} cannot be created ({ex.Message.Split(" : ")[0]}); choose another with --home", ex);
        }

        var homeLock = HomeLock.Acquire(options.Home);
        try
        {
            // A restore killed midway is finished before anything opens the store (Backup/RestoreJournal).
            try
            {
                Backup.RestoreJournal.Resume(options.Home);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
            {
                throw new GatewayStartException(5, $"an interrupted restore into {options.Home.Root} cannot be finished ({ex.Message}); see restore.pending there, or run meshclaw restore again", ex);
            }
            return await StartLockedAsync(options, homeLock, cancellationToken);
        }
        catch
        {
            homeLock.Dispose();
            throw;
        }
    }

    private static async Task<MeshClawGateway> StartLockedAsync(GatewayOptions options, HomeLock homeLock, CancellationToken cancellationToken)
    {
        var home = options.Home;
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
            throw new GatewayStartException(2, ex.Message, ex);
        }

        var telemetry = TelemetryExport.Start(config);
        var port = options.Port ?? config.Port;
        var app = GatewayApp.Build(options, config, port);
        var services = app.Services;
        var time = services.GetRequiredService<TimeProvider>();
        try
        {
            await services.GetRequiredService<IStoreInitializer>().InitializeAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            // A database from a newer MeshClaw, or an upgrade that failed and was rolled back: one clear line.
            await app.DisposeAsync();
            telemetry?.Dispose();
            throw new GatewayStartException(5, $"cannot open the store: {ex.Message}", ex);
        }

        var token = AccessToken.LoadOrCreate(services.GetRequiredService<ISecretStore>(), out var tokenValue, out var tokenCreated);
        _ = token;
        var runs = services.GetRequiredService<IRunStore>();
        var interrupted = await runs.MarkInterruptedAsync(time.GetUtcNow(), cancellationToken);
        // Approvals of runs that did not survive (interrupted by a crash) can no longer be answered.
        await services.GetRequiredService<IApprovalStore>().WithdrawOrphansAsync(time.GetUtcNow(), cancellationToken);
        var coordinator = services.GetRequiredService<RunCoordinator>();
        var pause = services.GetRequiredService<IPauseSwitch>();
        await pause.LoadAsync(cancellationToken);
        pause.Paused += () => coordinator.CancelAutonomous();
        pause.Resumed += () => _ = coordinator.ResumeParkedAsync(CancellationToken.None);
        var reconciled = await services.GetRequiredService<JournalReconciler>().ReconcileAsync(cancellationToken);
        app.Lifetime.ApplicationStopping.Register(coordinator.BeginShutdown);
        try
        {
            // Tried first, so a busy port is one line: the host would log Kestrel's failure with its whole stack trace.
            EnsurePortFree(config.BindAddress, port);
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            telemetry?.Dispose();
            // The token was made on this first start: say so now, or it would never be shown ('meshclaw token show' has it too).
            var created = tokenCreated ? $"\nyour access token was created: {tokenValue} (meshclaw token show prints it again)" : "";
            throw new GatewayStartException(3, $"cannot listen on {config.BindAddress}:{port}: {ex.Message} (is another program using the port? use --port){created}", ex);
        }

        var url = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/')
            ?? $"http://{config.BindAddress}:{port}";
        var audit = services.GetRequiredService<IAuditLog>();
        await audit.AppendAsync(new AuditEvent("gateway.started", "meshclaw", null, new { url, bind = config.BindAddress, GatewayInfo.Version, auditEnabled = config.AuditEnabled }), cancellationToken);
        await services.GetRequiredService<HomeChangeAuditor>().CheckAsync(cancellationToken);
        var parked = await coordinator.ResumeParkedAsync(cancellationToken);
        new GatewayFile(url, Environment.ProcessId, time.GetUtcNow()).Write(home.GatewayFile);
        var report = new StartupReport(url, home, tokenCreated ? tokenValue : null, interrupted, parked, reconciled, config, pause.IsPaused);
        return new MeshClawGateway(app, config, report, telemetry, homeLock);
    }

    private static void EnsurePortFree(string address, int port)
    {
        if (port == 0 || !System.Net.IPAddress.TryParse(address, out var ip))
        {
            return;
        }

        try
        {
            var probe = new System.Net.Sockets.TcpListener(ip, port);
            probe.Start();
            probe.Stop();
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw new IOException($"address {address}:{port} is already in use", ex);
        }
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => App.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops gracefully: runs waiting for approval park, the others are cancelled and recorded; the listeners end.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        var coordinator = Services.GetRequiredService<RunCoordinator>();
        coordinator.BeginShutdown();
        if (!App.Lifetime.ApplicationStopped.IsCancellationRequested)
        {
            await App.StopAsync(CancellationToken.None);
        }

        await coordinator.DrainAsync(TimeSpan.FromSeconds(10));
        await Services.GetRequiredService<IAuditLog>().AppendAsync(new AuditEvent("gateway.stopped", "meshclaw", null, new { }), CancellationToken.None);
        try
        {
            File.Delete(Services.GetRequiredService<Core.Home.MeshClawHome>().GatewayFile);
        }
        catch (IOException)
        {
            // The home folder went away under the gateway; there is no file left to tidy.
        }

        _lock.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync();
        await App.DisposeAsync();
        _telemetry?.Dispose();
    }
}
