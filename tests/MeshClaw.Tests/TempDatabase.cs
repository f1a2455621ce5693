using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Security;
using MeshClaw.Host.Approvals;
using MeshClaw.Host.Safety;
using MeshClaw.Storage.Approvals;
using MeshClaw.Storage.Audit;
using MeshClaw.Storage.Journal;
using MeshClaw.Storage.Runs;
using MeshClaw.Storage.Settings;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Storage.Usage;

namespace MeshClaw.Tests;

/// <summary>A real SQLite database in a temp folder, migrated.</summary>
public sealed class TempDatabase : IDisposable
{
    private TempDatabase(string folder, SqliteDatabase database)
    {
        Folder = folder;
        Database = database;
        Runs = new SqliteRunStore(database);
        Ledger = new SqliteUsageLedger(database);
        Journal = new SqliteActionJournal(database);
        Audit = new SqliteAuditLog(database, TimeProvider.System, () => NoRedaction.Instance);
        Rules = new SqliteStandingRules(database);
        Pause = new PauseSwitch(new SqliteSettings(database), Audit);
        Approvals = new ApprovalBroker(new SqliteApprovalStore(database), Rules, Audit, TimeProvider.System, () => Policy);
    }

    public string Folder { get; }
    public SqliteDatabase Database { get; }
    public SqliteRunStore Runs { get; }
    public SqliteUsageLedger Ledger { get; }
    public SqliteActionJournal Journal { get; }
    public SqliteAuditLog Audit { get; }
    public SqliteStandingRules Rules { get; }
    public PauseSwitch Pause { get; }
    public ApprovalBroker Approvals { get; }
    public PolicySettings Policy { get; set; } = new();

    /// <summary>The real loop over this database: policy gate, approvals, journal and audit included.</summary>
    public AgentLoop Loop(AgentLoopOptions? options = null)
    {
        var gate = new PolicyGate(Policy, Rules, Pause, Journal, TimeProvider.System);
        return new AgentLoop(Runs, new ToolCallExecutor(gate, Approvals, Journal, Audit, TimeProvider.System), Audit, TimeProvider.System, options ?? new AgentLoopOptions());
    }

    public static async Task<TempDatabase> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("meshclaw-db").FullName;
        var database = new SqliteDatabase(Path.Combine(folder, "meshclaw.db"));
        await database.InitializeAsync(CancellationToken.None);
        return new TempDatabase(folder, database);
    }

    public void Dispose()
    {
        Audit.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
