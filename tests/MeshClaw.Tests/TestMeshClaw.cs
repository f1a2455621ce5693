using MeshClaw.Core.Approvals;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Home;
using MeshClaw.Core.Journal;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Core.Runs;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Composition;
using MeshClaw.Storage;
using MeshClaw.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Tests;

/// <summary>
/// MeshClaw composed the one way (<c>AddMeshClaw(home).UseSqlite().AddModules()</c>) over a real SQLite file in a temp
/// home folder, with a fake clock the test moves: the same gate, approvals, journal, audit and lifecycle as the gateway.
/// </summary>
public sealed class TestMeshClaw : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestMeshClaw(string folder, ServiceProvider services, FakeTimeProvider time)
    {
        Folder = folder;
        _services = services;
        Time = time;
    }

    public string Folder { get; }
    public MeshClawHome Home => Get<MeshClawHome>();
    public FakeTimeProvider Time { get; }
    public SqliteDatabase Database => Get<SqliteDatabase>();
    public IRunStore Runs => Get<IRunStore>();
    public IUsageLedger Ledger => Get<IUsageLedger>();
    public IActionJournal Journal => Get<IActionJournal>();
    public IAuditLog Audit => Get<IAuditLog>();
    public IAuditReader AuditReader => Get<IAuditReader>();
    public IStandingRules Rules => Get<IStandingRules>();
    public IPauseSwitch Pause => Get<IPauseSwitch>();
    public IApprovalBroker Approvals => Get<IApprovalBroker>();
    public IApprovalStore ApprovalStore => Get<IApprovalStore>();
    public RunLifecycle Lifecycle => Get<RunLifecycle>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A fresh home folder and store; the fake clock starts at <paramref name="start"/> (a fixed moment by default).</summary>
    public static async Task<TestMeshClaw> CreateAsync(DateTimeOffset? start = null, string? config = null)
    {
        var folder = Directory.CreateTempSubdirectory("meshclaw-test").FullName;
        var home = new MeshClawHome(folder);
        home.EnsureCreated();
        if (config is not null)
        {
            await File.WriteAllTextAsync(home.ConfigFile, config);
        }

        var time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddMeshClaw(home, time).UseSqlite().AddModules();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreInitializer>().InitializeAsync(CancellationToken.None);
        await provider.GetRequiredService<IPauseSwitch>().LoadAsync(CancellationToken.None);
        return new TestMeshClaw(folder, provider, time);
    }

    /// <summary>Runs the free agent loop through the one lifecycle.</summary>
    public Task<RunRecord> RunLoopAsync(AgentRunRequest request, CancellationToken cancellationToken = default) =>
        Lifecycle.RunAsync(request, _services.GetServices<IRunProcedure>().Single(p => p.Name == AgentLoop.ProcedureName), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
