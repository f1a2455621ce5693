using MeshClaw.Core.Home;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Core.Composition;

/// <summary>
/// The one composition root, as a chain: <c>services.AddMeshClaw(home).UseSqlite().AddModules(...)</c>. The gateway,
/// the tests, the benchmarks and the CLI's offline commands all compose MeshClaw this way, each with only what it needs.
/// </summary>
public sealed class MeshClawBuilder(IServiceCollection services, MeshClawHome home)
{
    public IServiceCollection Services { get; } = services;
    public MeshClawHome Home { get; } = home;
}
