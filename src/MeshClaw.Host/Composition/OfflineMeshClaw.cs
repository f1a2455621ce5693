using MeshClaw.Core.Home;
using MeshClaw.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Host.Composition;

/// <summary>
/// MeshClaw composed without the gateway, for the CLI's offline commands (doctor, audit verify, secrets, connect):
/// the same registrations, used only through the Core contracts. Nothing is opened until a service is asked for.
/// </summary>
public static class OfflineMeshClaw
{
    public static ServiceProvider Open(MeshClawHome home)
    {
        var services = new ServiceCollection();
        services.AddMeshClaw(home).UseSqlite().AddModules();
        return services.BuildServiceProvider();
    }
}
