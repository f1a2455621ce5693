using System.Net;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Security;
using MeshClaw.Host.Access;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Gateway;

/// <summary>Rotating the token revokes what the old one opened: a signed-in dashboard is signed out, and it is audited.</summary>
public sealed class TokenRotationTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task Rotation_SignsOutEveryDashboardSession_AndIsAudited()
    {
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>());
        using var dashboard = await gateway.DashboardClientAsync();
        using var signedIn = await dashboard.GetAsync(new Uri("/", UriKind.Relative));

        var (token, ended) = await TokenRotation.RotateAsync(gateway.Get<ISecretStore>(), gateway.Get<ISessionStore>(), gateway.Get<IAuditLog>(), "user:test", default);
        using var afterwards = await dashboard.GetAsync(new Uri("/", UriKind.Relative));
        var audit = await gateway.Get<IAuditReader>().RecentAsync(20, null, default);

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(1, ended);
        Assert.StartsWith("mc_", token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.Contains("/login", afterwards.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains(audit, a => a.Kind == "access.token-rotated" && a.Actor == "user:test");
    }
}
