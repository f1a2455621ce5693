using System.Runtime.InteropServices;

namespace MeshClaw.Host.Gateway;

/// <summary>
/// glibc keeps memory that native code freed (SQLite's page caches, once its connections close) in its arenas; only
/// <c>malloc_trim</c> hands it back to the system. Elsewhere (musl, macOS, Windows) there is nothing to call.
/// </summary>
internal static class NativeHeap
{
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc.
        }
        catch (DllNotFoundException)
        {
            // No libc by that name.
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, and LibraryImport would need unsafe code allowed
    // in the whole project for this one call.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
