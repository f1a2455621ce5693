using MeshClaw.Core.Home;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// One gateway per home: an exclusive lock on <c>gateway.lock</c>, taken before any start-up recovery (marking runs
/// interrupted, withdrawing orphaned approvals, reconciling the journal), which a second gateway would otherwise do to
/// the first one's live runs. Held for the gateway's life; the operating system drops it when the process dies, kill -9
/// included, so a crash never leaves the home locked.
/// </summary>
public sealed class HomeLock : IDisposable
{
    private readonly FileStream _file;

    private HomeLock(FileStream file) => _file = file;

    public static HomeLock Acquire(MeshClawHome home)
    {
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix, and a sharing lock on Windows.
            return new HomeLock(new FileStream(home.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            var running = GatewayFile.Read(home.GatewayFile) is { } file ? $" (pid {file.Pid}, at {file.Url}, since {file.StartedAt:yyyy-MM-dd HH:mm:ss} UTC)" : "";
            throw new GatewayStartException(4,
                $"another MeshClaw gateway is already running on {home.Root}{running}; stop it first (Ctrl-C where it runs), or start this one with another --home");
        }
    }

    public void Dispose() => _file.Dispose();
}
