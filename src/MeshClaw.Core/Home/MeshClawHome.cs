namespace MeshClaw.Core.Home;

/// <summary>The one folder that holds everything of a MeshClaw installation.</summary>
public sealed record MeshClawHome(string Root)
{
    public string Database => Path.Combine(Root, "meshclaw.db");
    public string Agents => Path.Combine(Root, "agents");
    public string Skills => Path.Combine(Root, "skills");
    public string Workspaces => Path.Combine(Root, "workspaces");
    public string ConfigFile => Path.Combine(Root, "config.json");
    /// <summary>Written by a running gateway: its address and process id, for the CLI to find it.</summary>
    public string GatewayFile => Path.Combine(Root, "gateway.json");
    /// <summary>Held exclusively by the running gateway: one gateway per home.</summary>
    public string LockFile => Path.Combine(Root, "gateway.lock");

    /// <summary>
    /// Names this home among others (a hash of its full path): <c>/health</c> carries it, so the CLI never takes another
    /// home's gateway, answering on the port this home's config names, for its own.
    /// </summary>
    public string Id => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(Root).TrimEnd('/'))))[..16];

    public string WorkspaceOf(string agent) => Path.Combine(Workspaces, agent);

    /// <summary><c>--home</c>, then <c>MESHCLAW_HOME</c>, then <c>~/.meshclaw</c>.</summary>
    public static MeshClawHome Resolve(string? option)
    {
        var env = Environment.GetEnvironmentVariable("MESHCLAW_HOME");
        var root = !string.IsNullOrEmpty(option) ? option
            : !string.IsNullOrEmpty(env) ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".meshclaw");
        return new MeshClawHome(Path.GetFullPath(root));
    }

    /// <summary>Creates the folders; the home itself is owner-only because it holds the secrets and the database.</summary>
    public void EnsureCreated()
    {
        var created = !Directory.Exists(Root);
        Directory.CreateDirectory(Root);
        if (created && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.CreateDirectory(Agents);
        Directory.CreateDirectory(Skills);
        Directory.CreateDirectory(Workspaces);
    }

    /// <summary>
    /// Why the home cannot be written (a read-only file system, no permission), in one line for the user; null when it can
    /// (or does not exist yet). Checked by writing and removing a small file, the only test the file system answers truly.
    /// </summary>
    public string? UnwritableReason()
    {
        if (!Directory.Exists(Root))
        {
            return null;
        }

        var probe = Path.Combine(Root, $".write-check-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var cause = ex.Message.Split(" : ")[0].Split('\n')[0].Trim();
            return $"the home folder {Root} cannot be written ({cause}); MeshClaw keeps its database, journal and audit log there: make it writable, or use another with --home";
        }
    }
}
