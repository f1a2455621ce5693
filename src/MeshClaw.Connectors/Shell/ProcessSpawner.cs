using System.Collections.Concurrent;
using System.Diagnostics;

namespace MeshClaw.Connectors.Shell;

/// <summary>
/// Starts processes from one thread that lives as long as MeshClaw. bwrap's --die-with-parent is the kernel's
/// parent-death signal, which fires when the thread that started bwrap ends, not the process: started from a
/// thread-pool thread, a command would be killed whenever the pool retired that thread (seen as exit code 137).
/// </summary>
public static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];

    static ProcessSpawner()
    {
        var thread = new Thread(() =>
        {
            foreach (var (info, started) in Requests.GetConsumingEnumerable())
            {
                try
                {
                    started.SetResult(Process.Start(info) ?? throw new InvalidOperationException("the process did not start"));
                }
                catch (Exception ex)
                {
                    started.SetException(ex);
                }
            }
        })
        { IsBackground = true, Name = "meshclaw-process-spawner" };
        thread.Start();
    }

    /// <summary>Starts the process; faults as <see cref="Process.Start(ProcessStartInfo)"/> would throw.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task;
    }
}
