using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Tools;
using MeshClaw.Core.Tools.BuiltIn;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Api;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Home;
using MeshClaw.Host.Runs;
using MeshClaw.Storage.Runs;
using MeshClaw.Storage.Secrets;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// <c>meshclaw up</c>: the long-running gateway. Prepares the home folder and database, then serves the
/// API on 127.0.0.1 until Ctrl-C or SIGTERM, when runs in flight are cancelled and recorded as such.
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

        var database = new SqliteDatabase(home.Database);
        await database.InitializeAsync(cancellationToken);
        var secrets = new FileSecretStore(home.Root);
        var token = AccessToken.LoadOrCreate(secrets, out var tokenValue, out var tokenCreated);
        var time = TimeProvider.System;
        var runs = new SqliteRunStore(database);
        var interrupted = await runs.MarkInterruptedAsync(time.GetUtcNow(), cancellationToken);

        var port = options.Port ?? config.Port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton(home);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(token);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ISecretStore>(secrets);
        builder.Services.AddSingleton<IRunStore>(runs);
        builder.Services.AddSingleton<IUsageLedger, SqliteUsageLedger>();
        builder.Services.AddSingleton(sp => new ConfigSource(home.ConfigFile, secrets, sp.GetRequiredService<IUsageLedger>(), time, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(new ToolCatalog(BuiltInTools.All));
        builder.Services.AddSingleton<IToolCallGate, GrantGate>();
        builder.Services.AddSingleton(new AgentLoopOptions());
        builder.Services.AddSingleton<AgentLoop>();
        builder.Services.AddSingleton<RunCoordinator>();

        await using var app = builder.Build();
        app.UseMiddleware<AccessTokenAuthentication>();
        app.MapInfoEndpoints();
        app.MapRunEndpoints();

        var coordinator = app.Services.GetRequiredService<RunCoordinator>();
        app.Lifetime.ApplicationStopping.Register(coordinator.CancelAll);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await output.WriteLineAsync($"error: cannot listen on 127.0.0.1:{port}: {ex.Message} (is another gateway running? use --port)");
            return 3;
        }

        var url = $"http://127.0.0.1:{port}";
        new GatewayFile(url, Environment.ProcessId, time.GetUtcNow()).Write(home.GatewayFile);
        await output.WriteLineAsync($"MeshClaw {GatewayInfo.Version} listening on {url} (home: {home.Root})");
        if (tokenCreated)
        {
            await output.WriteLineAsync($"Access token (shown once; the CLI reads it from the home folder): {tokenValue}");
        }

        if (interrupted > 0)
        {
            await output.WriteLineAsync($"{interrupted} run(s) were interrupted when the gateway last stopped; see: meshclaw runs list");
        }

        if (config.Models.Count == 0)
        {
            await output.WriteLineAsync($"No model is configured yet: add one under \"models\" in {home.ConfigFile}.");
        }

        await output.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        await coordinator.DrainAsync(TimeSpan.FromSeconds(10));
        File.Delete(home.GatewayFile);
        return 0;
    }
}
