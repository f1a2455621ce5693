using MeshClaw.Core.Channels;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Slack;

/// <summary>The dashboard's home page lists the outbox, with or without Slack, its text encoded like any untrusted text.</summary>
public sealed class NotificationsPageTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;

    public async Task InitializeAsync() => _models = await ScriptedModelServer.StartAsync();

    public async Task DisposeAsync() => await _models.DisposeAsync();

    [Fact]
    public async Task QueuedNotification_IsListedOnTheHomePage_Encoded()
    {
        await using var gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>());
        await gateway.Get<IOutbox>().EnqueueAsync("digest:run-9", "inbox.digest", "2 urgent <script>alert(1)</script>", DateTimeOffset.UtcNow, CancellationToken.None);
        using var dashboard = await gateway.DashboardClientAsync();

        var home = await dashboard.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("inbox.digest", home, StringComparison.Ordinal);
        Assert.Contains("2 urgent &lt;script&gt;", home, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", home, StringComparison.Ordinal);
    }
}
