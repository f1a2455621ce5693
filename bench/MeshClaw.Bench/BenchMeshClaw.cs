using MeshClaw.Core.Composition;
using MeshClaw.Core.Home;
using MeshClaw.Core.Lifecycle;
using MeshClaw.Core.Loop;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Composition;
using MeshClaw.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Bench;

/// <summary>MeshClaw composed the one way for a benchmark, in a temp home folder, the store initialized.</summary>
public static class BenchMeshClaw
{
    public static async Task<ServiceProvider> CreateAsync(string folder, Action<IServiceCollection>? configure = null)
    {
        var home = new MeshClawHome(folder);
        home.EnsureCreated();
        var services = new ServiceCollection();
        services.AddMeshClaw(home).UseSqlite().AddModules();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreInitializer>().InitializeAsync(CancellationToken.None);
        await provider.GetRequiredService<IPauseSwitch>().LoadAsync(CancellationToken.None);
        return provider;
    }

    public static IRunProcedure Procedure(this IServiceProvider services, string name) => services.GetServices<IRunProcedure>().Single(p => p.Name == name);

    public static IRunProcedure Loop(this IServiceProvider services) => services.Procedure(AgentLoop.ProcedureName);
}
