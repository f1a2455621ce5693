using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Budgets;
using MeshClaw.Core.Channels;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Insights;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Memory;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Security;
using MeshClaw.Core.Settings;
using MeshClaw.Core.Dreaming;
using MeshClaw.Core.Triage;
using MeshClaw.Core.Usage;
using MeshClaw.Storage.Approvals;
using MeshClaw.Storage.Audit;
using MeshClaw.Storage.Channels;
using MeshClaw.Storage.Insights;
using MeshClaw.Storage.Journal;
using MeshClaw.Storage.Memory;
using MeshClaw.Storage.Runs;
using MeshClaw.Storage.Secrets;
using MeshClaw.Storage.Sessions;
using MeshClaw.Storage.Settings;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Dreaming;
using MeshClaw.Storage.Triage;
using MeshClaw.Storage.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Storage;

/// <summary>The embedded store: every Core store contract on the home folder's SQLite file, and the encrypted secrets file.</summary>
public static class SqliteStorage
{
    public static MeshClawBuilder UseSqlite(this MeshClawBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => new SqliteDatabase(builder.Home.Database, sp.GetService<TimeProvider>()));
        services.AddSingleton<ISecretStore>(_ => new FileSecretStore(builder.Home.Root));
        services.AddSingleton<Core.Idle.IIdleTrim, SqlitePoolTrim>();
        services.AddSingleton<IRunStore, SqliteRunStore>();
        // The embedded store has one writer, so the running spend totals the budgets read can be kept in memory beside it.
        services.AddSingleton(sp => new SpendTrackingLedger(new SqliteUsageLedger(sp.GetRequiredService<SqliteDatabase>()), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<SpendTrackingLedger>());
        services.AddSingleton<ISpendMeter>(sp => sp.GetRequiredService<SpendTrackingLedger>());
        services.AddSingleton<SqliteActionJournal>();
        services.AddSingleton<IActionJournal>(sp => sp.GetRequiredService<SqliteActionJournal>());
        services.AddSingleton<IActionRates>(sp => sp.GetRequiredService<SqliteActionJournal>());
        services.AddSingleton<SqliteAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.AddSingleton<IAuditReader>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.AddSingleton<IApprovalStore, SqliteApprovalStore>();
        services.AddSingleton<IStandingRules, SqliteStandingRules>();
        services.AddSingleton<ISettingsStore, SqliteSettings>();
        services.AddSingleton<IMemoryStore, SqliteMemoryStore>();
        services.AddSingleton<IInsights, SqliteInsights>();
        services.AddSingleton<IOutcomes, SqliteOutcomes>();
        services.AddSingleton<ITriageStore, SqliteTriageStore>();
        services.AddSingleton<ILearnedRules, SqliteLearnedRules>();
        services.AddSingleton<ISessionStore, SqliteSessionStore>();
        services.AddSingleton<IInboundEvents, SqliteInboundEvents>();
        services.AddSingleton<IOutbox, SqliteOutbox>();
        services.AddSingleton<IStoreInitializer, SqliteInitializer>();
        return builder;
    }

    private sealed class SqliteInitializer(SqliteDatabase database, IStandingRules rules) : IStoreInitializer
    {
        public async Task InitializeAsync(CancellationToken cancellationToken)
        {
            await database.InitializeAsync(cancellationToken);
            await rules.LoadAsync(cancellationToken);
        }
    }
}
