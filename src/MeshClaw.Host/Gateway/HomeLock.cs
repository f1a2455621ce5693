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
        // FileShare.None is an exclusive advisory lock (flock) on Unix, and a sharing lock on Windows.
        return TryAcquire(home) ?? throw new GatewayStartException(4,
            $"another MeshClaw gateway is already running on {home.Root}{Describe(home)}; stop it first (Ctrl-C where it runs), or start this one with another --home");
    }

    /// <summary>The lock, or null while a gateway holds it (for commands that must not run beside one, such as restore).</summary>
    public static HomeLock? TryAcquire(MeshClawHome home)
    {
        try
        {
            return new HomeLock(new FileStream(home.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>" (pid N, at URL, since TIME UTC)" from gateway.json, or nothing when it cannot be read.</summary>
    public static string Describe(MeshClawHome home) =>
        GatewayFile.Read(home.GatewayFile) is { } file ? $" (pid {file.Pid}, at {file.Url}, since {file.StartedAt:yyyy-MM-dd HH:mm:ss} UTC)" : "";

    public void Dispose() => _file.Dispose();
}
