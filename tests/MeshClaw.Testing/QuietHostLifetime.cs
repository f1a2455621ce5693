using Microsoft.Extensions.Hosting;

namespace MeshClaw.Testing;

/// <summary>
/// Replaces the console lifetime: that one hooks Ctrl+C and SIGTERM, which would keep a test runner alive
/// after it is told to stop. The server's owner stops it by disposing.
/// </summary>
internal sealed class QuietHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
