using System.Diagnostics;

namespace MeshClaw.Connectors.Shell;

/// <summary>
/// The OS sandbox for shell commands, bubblewrap: the root read-only, the workspace the only writable place, the
/// MeshClaw home (database, secrets, key, config, agent files, other workspaces) not visible at all, a private /tmp
/// and /run (so no socket of the machine's is reachable), fresh process, IPC and UTS namespaces, a clean environment,
/// and no network unless the call asked for it. bwrap dies with MeshClaw, and the namespace's processes die with it
/// (its init is pid 1 there), so killing it on a timeout or a cancel kills the whole group, and nothing a command
/// started in the background outlives the command. Whether bwrap works here is found out once, by running <c>true</c>
/// in it the same way, and kept.
/// </summary>
public sealed class CommandSandbox
{
    private const string SearchPath = "/usr/local/bin:/usr/bin:/bin";
    private readonly string[] _hidden;
    private readonly Lazy<Task<SandboxStatus>> _status;

    /// <param name="home">The MeshClaw home, hidden from every command.</param>
    /// <param name="program">The bwrap program: a name looked up on PATH, or a path.</param>
    public CommandSandbox(string home, string program = "bwrap")
    {
        var full = Path.GetFullPath(home).TrimEnd('/');
        // A home reached through a link is hidden where it really is too: the link's target is a second way in.
        var real = Directory.Exists(full) && new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
        _hidden = real == full ? [full] : [full, real];
        _status = new(() => ProbeAsync(program), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether the sandbox works here (probed on first use, then kept).</summary>
    public Task<SandboxStatus> StatusAsync(CancellationToken cancellationToken) => _status.Value.WaitAsync(cancellationToken);

    /// <summary>bwrap's arguments for one command in <paramref name="workspace"/>; the command's words follow them.</summary>
    public IReadOnlyList<string> Arguments(string workspace, bool network)
    {
        var arguments = new List<string> { "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp" };
        if (Directory.Exists("/run"))
        {
            arguments.AddRange(["--tmpfs", "/run"]);
        }

        foreach (var hidden in _hidden.Where(Directory.Exists))
        {
            arguments.AddRange(["--tmpfs", hidden]);
        }

        // Mounted after the home is hidden, so a workspace inside the home (the usual place) is seen again, and only it.
        arguments.AddRange(["--bind", workspace, workspace, "--chdir", workspace]);
        arguments.Add("--unshare-all");
        if (network)
        {
            arguments.Add("--share-net");
        }

        arguments.AddRange(["--die-with-parent", "--new-session", "--clearenv"]);
        // HOME is an empty folder of the private /tmp, not the workspace: dotfiles the model wrote there (a .gitconfig
        // that runs a program, say) are not picked up.
        foreach (var (name, value) in CleanEnvironment(home: "/tmp", temp: "/tmp"))
        {
            arguments.AddRange(["--setenv", name, value]);
        }

        arguments.Add("--");
        return arguments;
    }

    /// <summary>The whole environment a command gets, sandboxed or not: no secrets, no MeshClaw variables.</summary>
    public static IEnumerable<(string Name, string Value)> CleanEnvironment(string home, string temp) =>
    [
        ("PATH", SearchPath), ("HOME", home), ("LANG", "C.UTF-8"), ("TMPDIR", temp), ("GIT_CONFIG_NOSYSTEM", "1"), ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ];

    private async Task<SandboxStatus> ProbeAsync(string program)
    {
        var found = program.Contains('/', StringComparison.Ordinal) ? program
            : (Environment.GetEnvironmentVariable("PATH") + ":" + SearchPath).Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
        if (found is null || !File.Exists(found))
        {
            return new(false, program, $"{program} (bubblewrap) is not installed");
        }

        var workspace = Directory.CreateTempSubdirectory("meshclaw-sandbox-probe").FullName;
        try
        {
            var info = new ProcessStartInfo(found) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in Arguments(workspace, network: false).Append("true"))
            {
                info.ArgumentList.Add(argument);
            }

            using var process = await ProcessSpawner.StartAsync(info);
            var stderr = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return new(false, found, $"{found} did not finish 'true' within 10 s");
            }

            var error = (await stderr).Trim();
            return process.ExitCode == 0
                ? new(true, found, $"bubblewrap works ({found})")
                : new(false, found, $"{found} fails (exit code {process.ExitCode}{(error.Length > 0 ? ": " + error.Split('\n')[0] : "")}); user namespaces may be switched off");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new(false, found, $"cannot run {found}: {ex.Message}");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }
}
