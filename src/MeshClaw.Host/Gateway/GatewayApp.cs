using MeshClaw.Core.Security;
using MeshClaw.Host.Access;
using MeshClaw.Host.Api;
using MeshClaw.Host.Composition;
using MeshClaw.Host.Configuration;
using MeshClaw.Host.Dashboard;
using MeshClaw.Host.Dashboard.Chat;
using MeshClaw.Host.Safety;
using MeshClaw.Host.Scheduling;
using MeshClaw.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClaw.Host.Gateway;

/// <summary>The gateway's web application: MeshClaw composed once, the listeners and jobs as hosted services, the API and the dashboard.</summary>
public static class GatewayApp
{
    public static WebApplication Build(GatewayOptions options, MeshClawConfig config, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.Home.Root });
        builder.WebHost.UseUrls($"http://{config.BindAddress}:{port}");
        builder.Logging.ClearProviders();
        if (options.Logging is { } logging)
        {
            logging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The session-cookie keys sit unencrypted on purpose, in the owner-only home folder (doctor checks its mode):
        // the framework's warning about it at every first start would only teach users to ignore warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        // Quartz logs its errors with their whole stack trace (on a full disk, at every scan for triggers): they are
        // logged in one line by SchedulerErrorLog instead; its warnings, one line each, stay.
        // (A rule for the "Quartz" categories alone: a rule without a category would decide every other log's level too.)
        builder.Logging.AddFilter("Quartz", level => level == LogLevel.Warning);
        RedactingLoggerProvider.Wrap(builder.Services);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        var meshclaw = builder.Services.AddMeshClaw(options.Home, options.Time).UseSqlite().AddModules();
        if (!config.AuditEnabled)
        {
            // Doctor reports this as a high-severity finding; only config.json can switch the audit log off.
            builder.Services.AddSingleton<Core.Audit.IAuditLog, Core.Audit.DisabledAuditLog>();
        }

        builder.Services.AddSingleton(sp => AccessToken.LoadOrCreate(sp.GetRequiredService<ISecretStore>(), out _, out _));
        builder.Services.AddMeshClawAccess(options.Home, config);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi();
        // Pages carry mail subjects and names in any script: encode markup, keep letters as they are.
        builder.Services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddMeshClawScheduling(options.Home);
        // Memory a burst of runs left behind is given back once the gateway is quiet again (scripts/bench load).
        builder.Services.AddHostedService<IdleTrimService>();
        _ = meshclaw;

        var app = builder.Build();
        app.UseReadableRequestErrors();
        app.UseMeshClawAccess();
        MapEndpoints(app);
        return app;
    }

    /// <summary>
    /// Every route sits in a group with its door's policy: the API behind the bearer scheme, the dashboard behind the
    /// cookie scheme with antiforgery on its forms. Only /health and the sign-in page are open (a test checks it).
    /// </summary>
    public static void MapEndpoints(WebApplication app)
    {
        app.MapHealth();
        app.MapLoginPages();
        app.MapDashboardStyles();
        app.MapSignInLink();

        var api = app.MapGroup("/api").RequireAuthorization(AccessSchemes.Api);
        api.MapInfoEndpoints();
        api.MapRunEndpoints();
        api.MapSecurityEndpoints();
        api.MapEventEndpoints();
        api.MapSignInLinkEndpoints();
        api.MapDreamEndpoints();
        app.MapOpenApi().RequireAuthorization(AccessSchemes.Api);
        app.MapGroup("/slack").RequireAuthorization(AccessSchemes.Slack).MapSlackEndpoints();

        var pages = app.MapGroup("").RequireAuthorization(AccessSchemes.Dashboard).AddEndpointFilter<AntiforgeryCheck>();
        pages.MapLogout();
        pages.MapHomePage();
        pages.MapRunsPages();
        pages.MapUndoButtons();
        pages.MapJournalPage();
        pages.MapRulesPage();
        pages.MapApprovalsPage();
        pages.MapUsagePage();
        pages.MapWastePage();
        pages.MapAgentsPage();
        pages.MapLiveUpdates();
        pages.MapChatPage();
    }
}
